package org.switchover.tracker.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Shell command {@code switchover:tracker-status}: the role the tracker follows, where rows go, rows written and
 * journalled, the backlog and the last error. Dispatched through Gogo's {@code _main} convention (the name contains
 * '-').
 */
@Component(name = "org.switchover.tracker.commands", service = TrackerCommandsComponent.class,
        property = {"osgi.command.scope=switchover", "osgi.command.function=tracker-status"})
public final class TrackerCommandsComponent {

    private final TrackerComponent tracker;

    @Activate
    public TrackerCommandsComponent(@Reference TrackerComponent tracker) {
        this.tracker = tracker;
    }

    /** @return the command's output */
    public String _main(String... args) {
        return tracker.status().text();
    }
}
