/**
 * The host contract: what an event-processing host offers the switchover bundles as OSGi services.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.switchover.api.host;
