package org.switchover.api.notifier;

/**
 * Event ids of the requests and names of the streams the switchover bundles exchange, for every subsystem (core,
 * monitors, directory mirroring, configuration-tree replication, interaction recovery); the subsystem's prefix
 * starts the constant's name. Names follow the reference's where it has one.
 */
public final class EventIds {
    private EventIds() {
    }

    /** Answered by the notifier itself with an empty body: the primary monitor's notifier ping. */
    public static final String NOTIFIER_PING = "Notifier Ping";
    /**
     * Handled by the notifier itself: the opener of a main link hands the peer the random key of its UDP heartbeats
     * (payload: 8-byte key id, 32-byte HMAC-SHA256 key) over the TLS link. Since 2.3.
     */
    public static final String HEARTBEAT_KEY = "Notifier Heartbeat Key";
    /** Answered with the monitored module's incarnation id (8 bytes, big-endian long) or rejected when it is down. */
    public static final String MODULE_PING = "TS Diagnostic Ping";
    /** Answered with the peer's switchover state (JSON), used for role negotiation on the virtual-switch port. */
    public static final String STATE_QUERY = "Switchover State Query";
    /** Tells the receiving primary that a peer with a higher epoch took over (JSON body with the epoch). */
    public static final String DISCONTINUE = "Switchover Discontinue";
    /** Asks the primary to prepare a controlled switch: stop taking work, flush, acknowledge. */
    public static final String PREPARE_SWITCH = "Switchover Prepare Switch";
    /**
     * Sent by a primary to its backup when an operator asks the primary for a manual switch: the backup runs the
     * switch (controlled when it can reach the primary) and answers with the outcome (JSON).
     */
    public static final String REQUEST_SWITCH = "Switchover Request Switch";

    /** Stream of the primary's file changes (one message per changed path; replication id = the primary's epoch). */
    public static final String MIRROR_STREAM = "mirror";
    /** Request: the manifest of a mirrored root or part of it (body: root, recursive, scope, exceptions). */
    public static final String MIRROR_MANIFEST = "Mirror Manifest";
    /** Request: one chunk of a file (body: root, path, offset, length; reply: size, mtime, bytes). */
    public static final String MIRROR_CHUNK = "Mirror Chunk";
    /** Request: the whole content of several small files of one root at once (reply: a chunk or an error each). */
    public static final String MIRROR_BATCH = "Mirror Chunks";
    /** Request: the backup's File Monitor health check (empty body; reply: a status line, or refused with why). */
    public static final String MIRROR_FILE_MONITOR_HEALTH_CHECK = "File Monitor Health Check";

    /** Stream of every change of the primary's directory store (replication id = the primary's epoch). */
    public static final String DSSYNC_STREAM = "dssync";
    /** Request: one node's own hash and its children's subtree hashes (body: path). */
    public static final String DSSYNC_NODE = "dssync.node";
    /** Request: whole entries by path (body: count, paths; reply: per path a present flag and the entry). */
    public static final String DSSYNC_ENTRIES = "dssync.entries";
    /** Request: several nodes, listed or bucketed, in one round trip (body: count, per node path and buckets). */
    public static final String DSSYNC_NODES = "dssync.nodes";
    /** Request: a page of a subtree's entries, for a subtree the backup lacks (body: path, after, limit). */
    public static final String DSSYNC_SCAN = "dssync.scan";

    /** Prefix of the numbered notifier stream of one recovery channel ({@code recovery.mail}, {@code recovery.chat}...). */
    public static final String RECOVERY_STREAM_PREFIX = "recovery.";
    /**
     * Request: the backup asks for one page of a channel's snapshot during a full synchronisation; the answer's last
     * page is the completion marker carrying the counts.
     */
    public static final String RECOVERY_SNAPSHOT = "Recovery Snapshot";
}
