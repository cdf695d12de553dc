package org.switchover.tracker.internal;

import java.util.List;

/**
 * One row the tracker logs: a line of the CSV journal and a row of one database table. Each kind has a natural key
 * (the table's primary key), so writing a row twice changes nothing: that is what makes the journal's replay safe.
 * Times are ms since the epoch; -1 stands for "not yet" (an interaction still live when its rows were flushed).
 */
sealed interface Row {

    /** @return the journal's tag of this kind (the line's first field) */
    String tag();

    /** @return the field values in the order of the table's columns */
    List<Object> values();

    /** @return the text fields' longest allowed length in the journal and the database */
    int MAX_TEXT = 255;

    /**
     * A row of {@code interaction_summary}, key (interaction_id, seqno).
     *
     * @param seqno 0, or 1 for an interaction that spanned a switch (logged by the node that took over)
     */
    record Summary(String id, int seqno, String channel, long createdMillis, long endedMillis, String firstQueue,
                   String lastAgent, String finalState, int segments) implements Row {
        public String tag() {
            return "S";
        }

        public List<Object> values() {
            return List.of(id, seqno, channel, createdMillis, endedMillis, firstQueue, lastAgent, finalState,
                    segments);
        }
    }

    /**
     * A row of {@code interaction_segment_detail}, key (interaction_id, seqno, segment_no): one queue/agent/state
     * span.
     */
    record Segment(String id, int seqno, int segmentNo, long startMillis, long endMillis, String queue, String agent,
                   String state) implements Row {
        public String tag() {
            return "G";
        }

        public List<Object> values() {
            return List.of(id, seqno, segmentNo, startMillis, endMillis, queue, agent, state);
        }
    }

    /** A row of {@code interaction_wrapup}, key (interaction_id, seqno): how the interaction ended. */
    record Wrapup(String id, int seqno, String agent, String code, long disconnectedMillis, long releasedMillis)
            implements Row {
        public String tag() {
            return "W";
        }

        public List<Object> values() {
            return List.of(id, seqno, agent, code, disconnectedMillis, releasedMillis);
        }
    }

    /**
     * A row of {@code queue_interval_stats}, key (queue, interval_start, piece_start): one queue's figures over one
     * piece of one interval. An interval not cut by a switch is one piece; a switch cuts it into two whose spans add
     * up to the interval's length.
     */
    record Interval(String queue, long intervalStart, long intervalEnd, long pieceStart, long pieceEnd, int entered,
                    int answered, int abandoned, int completed) implements Row {
        public String tag() {
            return "I";
        }

        public List<Object> values() {
            return List.of(queue, intervalStart, intervalEnd, pieceStart, pieceEnd, entered, answered, abandoned,
                    completed);
        }

        /** @return the piece's span (ms) */
        long span() {
            return pieceEnd - pieceStart;
        }
    }

    /**
     * @return a text cut to {@link #MAX_TEXT} characters with control characters (line ends) made spaces: host names
     *     and queues are not trusted to be short or to keep to one line
     */
    static String clean(String s) {
        String t = s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
        StringBuilder b = null;
        for (int k = 0; k < t.length(); k++) {
            if (Character.isISOControl(t.charAt(k))) {
                if (b == null) {
                    b = new StringBuilder(t);
                }
                b.setCharAt(k, ' ');
            }
        }
        return b == null ? t : b.toString();
    }
}
