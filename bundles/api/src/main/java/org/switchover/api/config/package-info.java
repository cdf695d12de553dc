/**
 * Reading configuration the way every switchover component does: leniently, naming the parameter when a value is
 * bad, keeping the previous value, clamping numbers to their documented range.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.switchover.api.config;
