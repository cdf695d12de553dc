package org.switchover.dssync.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Shell command {@code switchover:ds-status}: what DS sync is doing on this node (role part, stream position,
 * progress of the last full compare: compared, transferred, remaining, rate). Dispatched through Gogo's
 * {@code _main} convention (the name contains '-').
 */
@Component(name = "org.switchover.dssync.commands", service = DsSyncCommandsComponent.class,
        property = {"osgi.command.scope=switchover", "osgi.command.function=ds-status"})
public final class DsSyncCommandsComponent {

    private final DsSyncComponent settings;

    @Activate
    public DsSyncCommandsComponent(@Reference DsSyncComponent settings) {
        this.settings = settings;
    }

    /** @return the status lines */
    public String _main(String... args) {
        return settings.status();
    }
}
