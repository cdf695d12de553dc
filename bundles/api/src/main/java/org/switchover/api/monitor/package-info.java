/**
 * How the monitors (module monitor, primary monitor) and the state machine talk: monitor signals into the core,
 * start/stop control out of it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.switchover.api.monitor;
