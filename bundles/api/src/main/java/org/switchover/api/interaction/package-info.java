/**
 * The host contract of interaction recovery (spec section 10): an {@link org.switchover.api.interaction.Interaction}
 * (stable id, channel, state, queue and agent, original creation time, attributes, channel content), one
 * {@link org.switchover.api.interaction.InteractionSource} per channel offered by the host (change feed, paged
 * snapshot for a full synchronisation, restore at promotion), the {@link org.switchover.api.interaction.RecoveryChannel}
 * a channel bundle offers to the recovery service while its parameter enables it, the common promotion rules
 * ({@link org.switchover.api.interaction.Promotion}) and the service properties and stream names of the recovery protocol
 * ({@link org.switchover.api.interaction.RecoveryProtocol}), and the {@link org.switchover.api.interaction.ShadowObserver}
 * whiteboard through which other bundles see the backup's shadows.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.3.0")
package org.switchover.api.interaction;
