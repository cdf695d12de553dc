package org.switchover.metrics.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.Topics;
import org.switchover.api.notifier.NotifierCounters;
import org.switchover.api.status.ReplicationFigures;

import io.prometheus.client.Collector.MetricFamilySamples;

/**
 * Collects the metric families at each scrape from the API services: the core's status, the notifier's KPI
 * counters (optional), the subsystems' {@link ReplicationFigures} (any number, as they come and go), and the role
 * changes it counts from the core's {@link Topics#STATE_CHANGED} events.
 */
@Component(name = "org.switchover.metrics", service = {MetricsSource.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + Topics.STATE_CHANGED)
public class MetricsSource implements EventHandler {

    private final SwitchCounts switches = new SwitchCounts();
    private final List<ReplicationFigures> figures = new CopyOnWriteArrayList<>();

    @Reference
    private SwitchoverStatus status;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile NotifierCounters counters;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addFigures(ReplicationFigures f) {
        figures.add(f);
    }

    void removeFigures(ReplicationFigures f) {
        figures.remove(f);
    }

    @Override
    public void handleEvent(Event event) {
        switches.stateChanged(text(event, Topics.KEY_PREVIOUS_STATE), text(event, Topics.KEY_STATE),
                text(event, Topics.KEY_REASON));
    }

    /** @return the families now; may wait about a second for the core's status (see SwitchoverStatus.report) */
    List<MetricFamilySamples> collect() {
        return MetricFamilies.of(status.report(), switches.snapshot(), counters, figures);
    }

    private static String text(Event e, String key) {
        Object v = e.getProperty(key);
        return v == null ? null : v.toString();
    }
}
