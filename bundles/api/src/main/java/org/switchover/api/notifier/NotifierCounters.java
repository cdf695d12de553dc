package org.switchover.api.notifier;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * KPI counters of the notifier (reference 001). Each family is collected only while its configuration flag is on
 * ({@code collect-request-counters}, {@code collect-error-counters}, {@code collect-esp-error-counters}); a family
 * switched off reads as empty.
 */
@ProviderType
public interface NotifierCounters {

    /** @return requests received, per event id, since the family was switched on. Snapshot. */
    Map<String, Long> requestsReceived();

    /**
     * @return protocol errors, per type (e.g. {@code frame-too-large}, {@code malformed-frame},
     *     {@code authentication-failure}, {@code rejected-no-handler}), since the family was switched on. Snapshot.
     */
    Map<String, Long> protocolErrors();

    /**
     * @return error answers sent to the peer (requests refused: no handler, handler queue full, handler failed), per
     *     the original request's event id, since the family was switched on. Snapshot; empty while off.
     * @since 2.1
     */
    default Map<String, Long> errorsByRequestType() {
        return Map.of();
    }

    /**
     * @return whether error answers are being counted per original request type
     * @since 2.1
     */
    default boolean espErrorCountersEnabled() {
        return false;
    }

    /** @return whether request counters are being collected. */
    boolean requestCountersEnabled();

    /** @return whether error counters are being collected. */
    boolean errorCountersEnabled();
}
