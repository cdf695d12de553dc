package org.switchover.api.notifier;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * KPI counters of the notifier. Each family is collected only while its configuration flag is on
 * ({@code collect-request-counters}, {@code collect-error-counters}); a family switched off reads as empty.
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

    /** @return whether request counters are being collected. */
    boolean requestCountersEnabled();

    /** @return whether error counters are being collected. */
    boolean errorCountersEnabled();
}
