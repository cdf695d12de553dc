/**
 * How the monitors (module monitor, primary monitor) and the state machine talk: monitor signals into the core, the
 * module monitor's control and timing for the primary monitor, which itself runs while the core registers the
 * monitoring condition ({@link org.switchover.api.RoleConditions#MONITORING}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.switchover.api.monitor;
