/**
 * Synchronous replication on the primary, shared by the replicated subsystems (DS sync, interaction recovery):
 * {@link org.switchover.support.replication.SyncReplication} decides when a host's change may be confirmed, degrades
 * the pair to asynchronous when the backup does not answer in time, and returns to synchronous once the backup has
 * stayed caught up for the resume hold.
 */
package org.switchover.support.replication;
