package org.switchover.core.internal;

/**
 * One entry of the state machine's queue.
 *
 * @param type what happened
 * @param reason the operator's words for it (e.g. "Loss of Connection to Notifier"); may be empty
 * @param detail the diagnosis or message behind it; may be empty
 * @param payload type-specific data (a peer answer, a switch request, an inbound request); may be null
 */
record Event(EventType type, String reason, String detail, Object payload) {

    Event {
        reason = reason == null ? "" : reason;
        detail = detail == null ? "" : detail;
    }

    static Event of(EventType type) {
        return new Event(type, "", "", null);
    }

    static Event of(EventType type, String reason) {
        return new Event(type, reason, "", null);
    }

    static Event of(EventType type, String reason, String detail) {
        return new Event(type, reason, detail, null);
    }

    static Event of(EventType type, String reason, Object payload) {
        return new Event(type, reason, "", payload);
    }

    /** @return the payload as {@code type}, or null when it is something else. */
    <T> T payload(Class<T> type) {
        return type.isInstance(payload) ? type.cast(payload) : null;
    }

    /** @return reason and detail in one line. */
    String describe() {
        if (detail.isEmpty()) {
            return reason;
        }
        return reason.isEmpty() ? detail : reason + " (" + detail + ")";
    }
}
