package org.switchover.tracker.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;
import org.switchover.api.interaction.QueueRef;
import org.switchover.api.interaction.Transcript;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.support.RoleBinding.Role;
import org.switchover.testing.VirtualScheduler;

/**
 * One tracker on virtual time for the tests: the actor and the drainer share one {@link VirtualScheduler} (the
 * drainer's immediate tasks run inline so that the hand-over's bounded wait does not wait), the wall clock is
 * {@link #T0} plus the virtual time, the journal lives in a temporary directory and the database is an H2 database
 * in memory (or the URL given).
 */
final class TrackerHarness implements AutoCloseable {

    /** 2026-12-07T00:00:00Z, a Monday and a multiple of 1800 s. */
    static final long T0 = 1_796_601_600_000L;

    final VirtualScheduler time = new VirtualScheduler();
    final CsvJournal journal;
    final Drainer drainer;
    final TrackerService service;
    final String url;
    volatile boolean dbDown;
    private final List<Connection> opened = new ArrayList<>();
    private final Connection keepAlive;

    TrackerHarness(Path dir, String url, long intervalMillis) throws IOException, SQLException {
        this(dir, url, intervalMillis, TrackerService.QUEUE_CAPACITY, TrackerService.QUEUE_WAIT_MILLIS);
    }

    TrackerHarness(Path dir, String url, long intervalMillis, int queueCapacity, long queueWaitMillis)
            throws IOException, SQLException {
        this.url = url;
        this.keepAlive = DriverManager.getConnection(url);
        this.journal = new CsvJournal(dir.resolve("journal"), w -> { });
        this.drainer = new Drainer(journal, this::open, 100);
        Scheduler inline = new Scheduler() {
            @Override
            public long nowMillis() {
                return time.nowMillis();
            }

            @Override
            public Cancellable schedule(Runnable task, long delayMillis) {
                if (delayMillis <= 0) {
                    task.run();
                    return () -> { };
                }
                return time.schedule(task, delayMillis);
            }
        };
        this.service = new TrackerService(time, inline, () -> T0 + time.nowMillis(), journal, drainer,
                intervalMillis, queueCapacity, queueWaitMillis);
    }

    private Connection open() throws SQLException {
        if (dbDown) {
            throw new SQLException("Connection refused (test outage)");
        }
        Connection c = DriverManager.getConnection(url);
        opened.add(c);
        return c;
    }

    void role(Role r) {
        time.execute(() -> service.role(r));
        time.runDue();
    }

    /**
     * This backup becomes primary, and the recovery service then promotes the shadows of every tracked channel
     * (what it tells the tracker after applying the stream's tail).
     */
    void promote() {
        role(Role.PRIMARY);
        promoted();
    }

    /** The recovery service promoted the shadows of every tracked channel. */
    void promoted() {
        for (Channel c : TrackerModel.CHANNELS) {
            time.execute(() -> service.promoted(c));
        }
        time.runDue();
    }

    void advance(long millis) {
        time.advance(millis);
    }

    static Interaction chat(String id, InteractionState state, QueueRef queue, String agent, long version) {
        return new Interaction(id, Channel.CHAT, state, queue, agent, T0, version, Map.of(),
                new Transcript(List.of()));
    }

    /** @return the journal's rows, every file from the start */
    List<Row> journalRows() throws IOException {
        return journal.read(CsvJournal.Position.START, Integer.MAX_VALUE).rows();
    }

    long count(String sql) throws SQLException {
        try (Statement s = keepAlive.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** @return the rows of a query, numbers as Long */
    List<List<Object>> query(String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement s = keepAlive.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int k = 1; k <= n; k++) {
                    Object o = rs.getObject(k);
                    row.add(o instanceof Number num ? (Object) num.longValue() : o);
                }
                out.add(row);
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        service.close();
        journal.close();
        for (Connection c : opened) {
            c.close();
        }
        keepAlive.close();
    }
}
