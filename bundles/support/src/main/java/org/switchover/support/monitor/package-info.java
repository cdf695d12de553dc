/**
 * Plumbing the two monitors share (module monitor, primary monitor): the component's scheduler thread from
 * activation to deactivation ({@link org.switchover.support.monitor.MonitorThread}) and the guarded notifier request
 * in flight ({@link org.switchover.support.monitor.InFlightRequest}). Embedded privately into each bundle that uses it
 * (bnd {@code -conditionalpackage}); never exported.
 */
package org.switchover.support.monitor;
