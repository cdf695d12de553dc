package org.switchover.tracker.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import org.switchover.api.status.StatusSection;

/**
 * The tracker's figures for the shell and the status JSON.
 *
 * @param role the role the tracker follows
 * @param destination where rows go now
 * @param rowsWritten rows the database confirmed since this node started
 * @param rowsJournalled rows appended to the journal since this node started
 * @param backlogBytes journal bytes not yet in the database; -1 when the journal cannot be read
 * @param malformedLines journal lines skipped as malformed since start
 * @param lastError the last error, "" when none
 * @param journal the journal's directory
 * @param queued observed events waiting for the tracker's thread
 * @param queueCapacity the bound of that queue
 * @param backpressureWaits times a producer had to wait for room in the queue since start
 * @param queueOverflows events queued over the bound after the wait since start
 */
record TrackerStatus(String role, String destination, long rowsWritten, long rowsJournalled, long backlogBytes,
                     long malformedLines, String lastError, String journal, long queued, long queueCapacity,
                     long backpressureWaits, long queueOverflows) {

    /** @return the {@code tracker} object of the status JSON (a backlog of -1 is null: unknown) */
    StatusSection section() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("destination", destination);
        m.put("rowsWritten", rowsWritten);
        m.put("rowsJournalled", rowsJournalled);
        m.put("backlogBytes", backlogBytes < 0 ? null : backlogBytes);
        m.put("malformedLines", malformedLines);
        m.put("lastError", lastError);
        m.put("journal", journal);
        m.put("queued", queued);
        m.put("queueCapacity", queueCapacity);
        m.put("backpressureWaits", backpressureWaits);
        m.put("queueOverflows", queueOverflows);
        return new StatusSection("tracker", m);
    }

    /** @return the lines of {@code switchover:tracker-status} */
    String text() {
        return "Tracker (" + role + ")\ndestination: " + destination + "\nrows written to the database: "
                + rowsWritten + "\nrows journalled: " + rowsJournalled + "\nbacklog: "
                + (backlogBytes < 0 ? "unknown" : backlogBytes + " bytes") + "\nmalformed journal lines skipped: "
                + malformedLines + "\nlast error: " + (lastError.isEmpty() ? "none" : lastError) + "\njournal: "
                + journal + "\nevent queue: " + queued + " of " + queueCapacity + ", producer waits "
                + backpressureWaits + ", over the bound " + queueOverflows;
    }
}
