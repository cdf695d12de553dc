package org.switchover.notifier.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.switchover.api.notifier.NotifierCounters;

/**
 * KPI counters (reference 001: request counters, protocol-error counters and errors per original request type, each
 * family off by default). A family counts only while its flag is on; switching it on starts from zero. Thread-safe;
 * a count is one {@link LongAdder} increment (the request path stays cheap).
 */
public final class Counters implements NotifierCounters {

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private volatile boolean requestsOn;
    private volatile boolean errorsOn;
    private volatile boolean refusalsOn;

    /** Turns the families on or off; a family switched on starts from zero, one switched off forgets its counts. */
    public synchronized void configure(boolean requestCounters, boolean errorCounters, boolean espErrorCounters) {
        // cleared on every change of the flag: while it was off, nothing counted, so zero is the right start
        if (requestCounters != requestsOn) {
            requests.clear();
        }
        if (errorCounters != errorsOn) {
            errors.clear();
        }
        if (espErrorCounters != refusalsOn) {
            refusals.clear();
        }
        requestsOn = requestCounters;
        errorsOn = errorCounters;
        refusalsOn = espErrorCounters;
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

    /** Counts one error answer sent for a request of {@code eventId}, when the family is on. */
    public void requestRefused(String eventId) {
        if (refusalsOn) {
            refusals.computeIfAbsent(eventId, k -> new LongAdder()).increment();
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
    public Map<String, Long> errorsByRequestType() {
        return refusalsOn ? snapshot(refusals) : Map.of();
    }

    @Override
    public boolean espErrorCountersEnabled() {
        return refusalsOn;
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
