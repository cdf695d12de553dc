/**
 * Switchover contracts shared by every bundle: roles, switchover states, EventAdmin topics and the documented
 * server-parameter names.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package org.switchover.api;
