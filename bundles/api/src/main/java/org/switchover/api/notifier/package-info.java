/**
 * Node-to-node messaging between the two members of a pair: the main and auxiliary connections, requests with
 * replies, numbered change streams, connection status and KPI counters.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.3.0")
package org.switchover.api.notifier;
