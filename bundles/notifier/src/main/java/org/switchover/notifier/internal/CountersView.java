package org.switchover.notifier.internal;

import java.util.Map;

import org.switchover.api.notifier.NotifierCounters;

/** Offers the {@link NotifierCounters} of {@link #counters()} as its own. */
interface CountersView extends NotifierCounters {

    /** @return the counters shown. */
    NotifierCounters counters();

    @Override
    default Map<String, Long> requestsReceived() {
        return counters().requestsReceived();
    }

    @Override
    default Map<String, Long> protocolErrors() {
        return counters().protocolErrors();
    }

    @Override
    default Map<String, Long> errorsByRequestType() {
        return counters().errorsByRequestType();
    }

    @Override
    default boolean espErrorCountersEnabled() {
        return counters().espErrorCountersEnabled();
    }

    @Override
    default boolean requestCountersEnabled() {
        return counters().requestCountersEnabled();
    }

    @Override
    default boolean errorCountersEnabled() {
        return counters().errorCountersEnabled();
    }
}
