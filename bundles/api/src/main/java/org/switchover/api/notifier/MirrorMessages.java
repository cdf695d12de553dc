package org.switchover.api.notifier;

/**
 * Stream name and request event ids of directory mirroring (bundle {@code org.switchover.mirror}): the primary
 * publishes its changes on {@link #STREAM} and answers the backup's requests. Names follow the reference's where it
 * has one ("File Monitor Health Check").
 */
public final class MirrorMessages {
    private MirrorMessages() {
    }

    /** Stream of the primary's file changes (one message per changed path; replication id = the primary's epoch). */
    public static final String STREAM = "mirror";
    /** Request: the manifest of a mirrored root or part of it (body: root, recursive, scope, exceptions). */
    public static final String MANIFEST = "Mirror Manifest";
    /** Request: one chunk of a file (body: root, path, offset, length; reply: size, mtime, bytes). */
    public static final String CHUNK = "Mirror Chunk";
    /** Request: the whole content of several small files of one root at once (reply: a chunk or an error each). */
    public static final String BATCH = "Mirror Chunks";
    /** Request: the backup's File Monitor health check (empty body; reply: a status line, or refused with why). */
    public static final String FILE_MONITOR_HEALTH_CHECK = "File Monitor Health Check";
}
