package org.switchover.recovery.internal;

import java.util.Map;

import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.support.RoleBinding.Role;

/**
 * Public face of one node's {@link RecoveryService} for the benchmarks in another package: the real service over
 * the given notifier, its snapshot handler registered in {@code handlers}, promotion reports kept.
 */
public final class RecoveryBenchAccess implements AutoCloseable {

    private final RecoveryService service;

    /** Creates the service and registers its snapshot handler. */
    public RecoveryBenchAccess(Notifier notifier, Map<String, RequestHandler> handlers) {
        service = new RecoveryService(notifier, () -> 1, System::currentTimeMillis, r -> { }, 0, 0);
        handlers.put(EventIds.RECOVERY_SNAPSHOT, service::handle);
    }

    /** A channel's service appeared (as DS would tell the component). */
    public void channel(RecoveryChannel c) {
        service.channel(c);
    }

    public void primary() {
        service.role(Role.PRIMARY);
    }

    public void backup() {
        service.role(Role.BACKUP);
    }

    public void none() {
        service.role(Role.NONE);
    }

    /** @return whether every backup side's full synchronisation completed (false when there is none) */
    public boolean synced() {
        Map<Channel, ChannelBackup> sides = service.backupSides();
        return !sides.isEmpty() && sides.values().stream().allMatch(b -> b.sync() == ChannelBackup.Sync.COMPLETE);
    }

    /** @return shadows held over every backup side */
    public long shadows() {
        return service.backupSides().values().stream().mapToLong(ChannelBackup::size).sum();
    }

    /** @return bytes of encoded shadows over every backup side */
    public long shadowBytes() {
        return service.backupSides().values().stream().mapToLong(ChannelBackup::bytes).sum();
    }

    /** @return the headline of the last promotion report, "none" when none */
    public String lastReport() {
        RecoveryReport r = service.lastReport();
        return r == null ? "none" : r.headline();
    }

    /** @return the status text (as {@code switchover:recovery-status}) */
    public String status() {
        return service.status();
    }

    /** @return the interaction as the recovery codec encodes it (what a stream message and a shadow carry) */
    public static byte[] encode(org.switchover.api.interaction.Interaction i) {
        return InteractionCodec.encode(i);
    }

    @Override
    public void close() {
        service.close();
    }
}
