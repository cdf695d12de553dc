package org.switchover.notifier.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.switchover.api.notifier.NotifierCounters;

/**
 * KPI counters (reference 001: request counters and protocol-error counters, each family off by default). A family
 * counts only while its flag is on; switching it on starts from zero. Thread-safe.
 */
public final class Counters implements NotifierCounters {

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private volatile boolean requestsOn;
    private volatile boolean errorsOn;

    /** Turns the families on or off; a family switched on starts from zero. */
    public synchronized void configure(boolean requestCounters, boolean errorCounters) {
        if (requestCounters && !requestsOn) {
            requests.clear();
        }
        if (errorCounters && !errorsOn) {
            errors.clear();
        }
        requestsOn = requestCounters;
        errorsOn = errorCounters;
        if (!requestCounters) {
            requests.clear();
        }
        if (!errorCounters) {
            errors.clear();
        }
    }

    /** Counts one request received for {@code eventId}, when the family is on. */
    public void requestReceived(String eventId) {
        if (requestsOn) {
            requests.computeIfAbsent(eventId, k -> new LongAdder()).increment();
        }
    }

    /** Counts one protocol error of {@code type}, when the family is on. */
    public void protocolError(String type) {
        if (errorsOn) {
            errors.computeIfAbsent(type, k -> new LongAdder()).increment();
        }
    }

    @Override
    public Map<String, Long> requestsReceived() {
        return requestsOn ? snapshot(requests) : Map.of();
    }

    @Override
    public Map<String, Long> protocolErrors() {
        return errorsOn ? snapshot(errors) : Map.of();
    }

    @Override
    public boolean requestCountersEnabled() {
        return requestsOn;
    }

    @Override
    public boolean errorCountersEnabled() {
        return errorsOn;
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return java.util.Collections.unmodifiableMap(out);
    }
}
