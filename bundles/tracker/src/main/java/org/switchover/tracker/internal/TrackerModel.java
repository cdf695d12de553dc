package org.switchover.tracker.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionState;

/**
 * What the tracker knows, without threads or I/O: per live interaction its segments so far (one per queue, agent and
 * state span), per queue the figures of the current interval piece. Every method runs on the tracker's one thread
 * and takes the time of the event (wall clock, ms); finished rows go to the sink given at construction.
 *
 * <p>Seqno (spec section 11): an interaction live on this node when it becomes primary spanned the switch: its rows
 * from then on carry seqno 1 (those the old primary wrote carry 0). Interval statistics: the node that becomes primary
 * cuts the current interval in two pieces at its switch time; a piece's key is (queue, interval start, piece start),
 * and the first piece of an interval always starts at the interval's start, so the pieces of one interval never
 * overlap whichever node wrote them, and their spans add up to the length. Who writes which piece:
 * <ul>
 * <li>the node that stops being primary writes no piece of that interval (the new primary covers it);
 * <li>a node that did not observe the current piece from its start (it started or restarted mid-interval) writes
 * that piece only as primary: a backup's partial piece would carry the key of the primary's first piece and, drained
 * from its journal later, overwrite it and overlap the primary's second one (TrackerSystemIT, seed 20261205). A
 * primary that started alone mid-interval, or a restarted backup promoted before the interval ended, is the only
 * writer of that span, so it still writes it from the interval's start: nothing of the partial interval is lost and
 * the spans still add up, its counts cover what it observed.
 * </ul>
 */
final class TrackerModel {

    /** The channels the tracker watches (spec section 11: emails, chats and callbacks; calls are not covered). */
    static final Set<Channel> CHANNELS = Set.of(Channel.MAIL, Channel.CHAT, Channel.CALLBACK);
    /** Attribute of the host's interaction holding the agent's wrap-up code, when the host sets one. */
    static final String WRAPUP_ATTRIBUTE = "wrapup.code";
    /** How many released ids are remembered against late copies (the newest ones). */
    static final int RELEASED_KEPT = 100_000;

    private final Consumer<List<Row>> sink;
    private long intervalMillis;
    private final Map<String, Open> open = new HashMap<>();
    /** Released ids with their release version, so that a late copy of an older version does not bring one back. */
    private final Map<String, Long> released = new java.util.LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > RELEASED_KEPT;
        }
    };
    private final Map<String, Counts> queues = new TreeMap<>();
    private long intervalStart = -1;
    private long currentLength;
    private long pieceStart = -1;
    /** Whether this node observed the current piece from its start (false after a start mid-interval). */
    private boolean pieceObserved;
    private boolean primary;
    private boolean skipInterval;

    /** One live interaction. */
    private static final class Open {
        final String id;
        final Channel channel;
        final long created;
        int seqno;
        long version = Long.MIN_VALUE;
        final List<Row.Segment> closed = new ArrayList<>();
        long segStart;
        String queue;
        boolean workgroup;
        String agent;
        InteractionState state;
        String firstQueue;
        String lastWorkgroup;
        boolean answered;
        long disconnectedAt = -1;
        String wrapup = "";
        boolean confirmed = true;
        /** First seen as a recovery shadow (backup), not through the host's own change feed. */
        boolean shadow;

        Open(Interaction i) {
            id = Row.clean(i.id());
            channel = i.channel();
            created = i.createdMillis();
        }
    }

    /** A queue's figures over the current piece. */
    private static final class Counts {
        int entered;
        int answered;
        int abandoned;
        int completed;
    }

    /**
     * @param intervalMillis the interval length (ms)
     * @param sink receives the finished rows, a list per event
     */
    TrackerModel(long intervalMillis, Consumer<List<Row>> sink) {
        this.intervalMillis = intervalMillis;
        this.sink = sink;
    }

    /** The node's role for the interval pieces: only a primary writes a piece it did not observe from its start. */
    void primary(boolean on) {
        primary = on;
    }

    /** Changes the interval length; it applies from the next interval. */
    void intervalMillis(long millis) {
        intervalMillis = millis;
    }

    long intervalMillis() {
        return intervalMillis;
    }

    /** @return how many interactions are live here */
    int live() {
        return open.size();
    }

    /** @return the seqno the live interaction {@code id} would be logged with, -1 when it is not live here */
    int seqno(String id) {
        Open o = open.get(id);
        return o == null ? -1 : o.seqno;
    }

    /** @return when the next interval starts (ms), -1 before the first event */
    long nextBoundary() {
        return intervalStart < 0 ? -1 : intervalStart + currentLength;
    }

    /** The interaction was created or changed, as a shadow or by an unknown source (see the next method). */
    void changed(Interaction i, long at) {
        changed(i, at, true);
    }

    /**
     * The interaction was created or changed (a version not newer than the one known is ignored).
     *
     * @param shadow true when it comes from the recovery service's shadows, false from the host's own change feed
     */
    void changed(Interaction i, long at, boolean shadow) {
        if (!CHANNELS.contains(i.channel())) {
            return;
        }
        tick(at);
        Open o = open.get(i.id());
        boolean fresh = o == null;
        if (fresh) {
            Long gone = released.get(i.id());
            if (gone != null && gone >= i.version()) {
                return;
            }
            o = new Open(i);
            o.shadow = shadow;
            open.put(i.id(), o);
        } else if (i.version() <= o.version) {
            o.confirmed = true;
            return;
        }
        o.version = i.version();
        o.confirmed = true;
        String queue = Row.clean(i.queue().name());
        String agent = Row.clean(i.agent());
        Object wrap = i.attributes().get(WRAPUP_ATTRIBUTE);
        if (wrap != null) {
            o.wrapup = Row.clean(wrap.toString());
        }
        if (!fresh && queue.equals(o.queue) && agent.equals(o.agent) && i.state() == o.state
                && i.queue().isUser() != o.workgroup) {
            return;
        }
        if (!fresh) {
            o.closed.add(segment(o, at));
        }
        boolean workgroup = !i.queue().isUser();
        if (workgroup && (fresh || !queue.equals(o.queue) || !o.workgroup)) {
            counts(queue).entered++;
            o.lastWorkgroup = queue;
        }
        if (i.state() == InteractionState.CONNECTED && !o.answered) {
            o.answered = true;
            if (o.lastWorkgroup != null) {
                counts(o.lastWorkgroup).answered++;
            }
        }
        if (i.state() == InteractionState.DISCONNECTED && o.disconnectedAt < 0) {
            o.disconnectedAt = at;
        }
        if (o.firstQueue == null) {
            o.firstQueue = queue;
        }
        o.segStart = at;
        o.queue = queue;
        o.workgroup = workgroup;
        o.agent = agent;
        o.state = i.state();
    }

    /** The interaction was released at {@code version}: its summary, segments and wrap-up are finished. */
    void removed(String id, long version, long at) {
        tick(at);
        released.merge(id, version, Math::max);
        Open o = open.remove(id);
        if (o == null) {
            return;
        }
        if (o.lastWorkgroup != null) {
            Counts c = counts(o.lastWorkgroup);
            if (o.answered) {
                c.completed++;
            } else {
                c.abandoned++;
            }
        }
        sink.accept(rows(o, at, at));
    }

    /**
     * This node became primary after being backup: the current interval is cut. Which interactions spanned the
     * switch is known only once the recovery service promoted each channel's shadows ({@link #spanned}): the tail of
     * the old primary's stream may still end some of them meanwhile.
     */
    void promoted(long at) {
        tick(at);
        List<Row> out = new ArrayList<>();
        cut(at, out);
        sink.accept(out);
    }

    /**
     * The recovery service promoted the shadows of channel {@code c} into the host: every interaction of {@code c}
     * still live here as a shadow spanned the switch (seqno 1 from now on), and what was captured of it so far is
     * flushed.
     *
     * @return how many spanned
     */
    int spanned(Channel c, long at) {
        tick(at);
        List<Row> out = new ArrayList<>();
        int n = 0;
        for (Open o : open.values()) {
            if (o.channel == c && o.shadow && o.seqno == 0) {
                o.seqno = 1;
                out.addAll(rows(o, at, -1));
                n++;
            }
        }
        sink.accept(out);
        return n;
    }

    /**
     * This node stops being primary (a controlled hand-over): what it holds of every live interaction is flushed
     * under the current seqno. The current interval is not cut here: the new primary owns it (its capture as backup
     * covers the interval's start), so this node's pieces of it are not written; a piece written by both nodes would
     * end at two different switch times and the spans would no longer add up.
     */
    void demoted(long at) {
        tick(at);
        List<Row> out = new ArrayList<>();
        for (Open o : open.values()) {
            out.addAll(rows(o, at, -1));
        }
        skipInterval = true;
        sink.accept(out);
    }

    /**
     * The rows of every live interaction as they stand at {@code at}, under its current seqno, without touching the
     * interval (the old primary's last word at a hand-over, after the events that raced its role change).
     */
    void flushLive(long at) {
        tick(at);
        List<Row> out = new ArrayList<>();
        for (Open o : open.values()) {
            out.addAll(rows(o, at, -1));
        }
        sink.accept(out);
    }

    /** The rows of the live interaction {@code id} as they stand at {@code at}, under its seqno (none if not live). */
    void flushOne(String id, long at) {
        tick(at);
        Open o = open.get(id);
        if (o != null) {
            sink.accept(rows(o, at, -1));
        }
    }

    /** A full synchronisation of {@code c} starts: its interactions are unconfirmed until the pages name them. */
    void syncStarted(Channel c) {
        open.values().stream().filter(o -> o.channel == c).forEach(o -> o.confirmed = false);
    }

    /**
     * The synchronisation of {@code c} completed: an interaction not named ended while this node did not follow;
     * the primary logged it, so it is forgotten here.
     *
     * @return how many were forgotten
     */
    int syncCompleted(Channel c) {
        int n = 0;
        for (Iterator<Open> it = open.values().iterator(); it.hasNext();) {
            Open o = it.next();
            if (o.channel == c && !o.confirmed) {
                it.remove();
                n++;
            }
        }
        return n;
    }

    /** Closes every interval whose end is at or before {@code at}. */
    void tick(long at) {
        if (intervalStart < 0) {
            intervalStart = at - Math.floorMod(at, intervalMillis);
            currentLength = intervalMillis;
            pieceStart = intervalStart;
            pieceObserved = at == intervalStart;
            return;
        }
        List<Row> out = null;
        while (at >= intervalStart + currentLength) {
            long end = intervalStart + currentLength;
            out = out == null ? new ArrayList<>() : out;
            pieces(end, out);
            intervalStart = end;
            currentLength = intervalMillis;
            pieceStart = end;
            pieceObserved = true;
        }
        if (out != null) {
            sink.accept(out);
        }
    }

    private void cut(long at, List<Row> out) {
        pieces(at, out);
        pieceStart = at;
        pieceObserved = true;
    }

    /** Adds the current piece of every known queue, ending at {@code end}, and starts counting afresh. */
    private void pieces(long end, List<Row> out) {
        // a backup's piece it saw only part of is the primary's to write (see the class comment)
        boolean skip = skipInterval || !pieceObserved && !primary;
        skipInterval = false;
        for (Map.Entry<String, Counts> e : queues.entrySet()) {
            Counts c = e.getValue();
            if (skip) {
                e.setValue(new Counts());
                continue;
            }
            out.add(new Row.Interval(e.getKey(), intervalStart, intervalStart + currentLength, pieceStart, end,
                    c.entered, c.answered, c.abandoned,
                    c.completed));
            e.setValue(new Counts());
        }
    }

    private Counts counts(String queue) {
        return queues.computeIfAbsent(queue, q -> new Counts());
    }

    private static Row.Segment segment(Open o, long end) {
        return new Row.Segment(o.id, o.seqno, o.closed.size() + 1, o.segStart, end, o.queue, o.agent,
                o.state.name());
    }

    /**
     * @param at the time of the flush: the open segment is written up to it
     * @param released the release time, -1 while the interaction lives (then its summary's end is -1)
     */
    private static List<Row> rows(Open o, long at, long released) {
        List<Row> out = new ArrayList<>(o.closed.size() + 3);
        for (Row.Segment s : o.closed) {
            out.add(s.seqno() == o.seqno ? s : new Row.Segment(s.id(), o.seqno, s.segmentNo(), s.startMillis(),
                    s.endMillis(), s.queue(), s.agent(), s.state()));
        }
        out.add(segment(o, at));
        out.add(new Row.Summary(o.id, o.seqno, o.channel.key(), o.created, released, o.firstQueue, o.agent,
                o.state.name(), o.closed.size() + 1));
        if (released >= 0) {
            out.add(new Row.Wrapup(o.id, o.seqno, o.agent, o.wrapup, o.disconnectedAt, released));
        }
        return out;
    }
}
