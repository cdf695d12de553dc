package org.switchover.recovery.internal;

import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Shell commands {@code switchover:recovery-status} (per channel: enabled, primary or backup side, shadows or live
 * count, sync state, lag; the last promotion) and {@code switchover:recovery-report} (the last promotion's report,
 * one interaction per line). Dispatched through Gogo's {@code _main} convention (the names contain '-').
 */
@Component(name = "org.switchover.recovery.commands", service = RecoveryCommandsComponent.class,
        property = {"osgi.command.scope=switchover", "osgi.command.function=recovery-status",
            "osgi.command.function=recovery-report"})
public final class RecoveryCommandsComponent {

    private final RecoveryComponent recovery;

    @Activate
    public RecoveryCommandsComponent(@Reference RecoveryComponent recovery) {
        this.recovery = recovery;
    }

    /** @return the command's output */
    public String _main(String... args) {
        String f = args.length == 0 ? "" : args[0].toLowerCase(Locale.ROOT);
        return f.endsWith("recovery-report") ? recovery.report() : recovery.status();
    }
}
