package org.switchover.mirror.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.switchover.api.notifier.EventIds;

/**
 * The primary's answers to the backup's manifest and chunk requests. Only configured roots are served, only paths
 * inside them; the manifest leaves out the extensions the backup names (they depend on its state). Stateless; thread-safe.
 */
final class Server {

    /** The end of the refusal for a configured root this primary does not have (the backup recognises it). */
    static final String MISSING_ROOT = "does not exist on the primary";

    private final VfsFiles files;

    Server(VfsFiles files) {
        this.files = files;
    }

    /**
     * @return the reply body
     * @throws IOException when the request is refused; the message says why (it goes back to the backup)
     */
    byte[] answer(String eventId, byte[] payload, MirrorSettings s) throws IOException {
        switch (eventId) {
            case EventIds.MIRROR_MANIFEST: {
                Wire.ManifestRequest m = Wire.manifestRequest(payload);
                Path dir = servedDir(s, m.root());
                MirrorRoot root = s.find(m.root());
                return Wire.manifest(files.manifest(dir, root.recursive(), m.scope(),
                        Extensions.parse(m.exceptions())));
            }
            case EventIds.MIRROR_CHUNK: {
                Wire.ChunkRequest c = Wire.chunkRequest(payload);
                Path dir = servedDir(s, c.root());
                return Wire.chunk(files.read(dir, c.path(), c.offset(), c.length()));
            }
            case EventIds.MIRROR_BATCH: {
                Wire.BatchRequest b = Wire.batchRequest(payload);
                Path dir = servedDir(s, b.root());
                java.util.List<Wire.BatchItem> items = new java.util.ArrayList<>(b.items().size());
                for (Wire.ChunkRequest c : b.items()) {
                    try {
                        items.add(new Wire.BatchItem(files.read(dir, c.path(), c.offset(), c.length()), null));
                    } catch (IOException e) {
                        // one file gone or unreadable does not spoil the others
                        items.add(new Wire.BatchItem(null, String.valueOf(e.getMessage())));
                    }
                }
                return Wire.batch(items);
            }
            default:
                throw new IOException("unknown request " + eventId);
        }
    }

    /** @return true for a refusal that says the root does not exist on the primary (an expected case) */
    static boolean isMissingRoot(String refusal) {
        return refusal != null && refusal.contains(MISSING_ROOT);
    }

    private static Path servedDir(MirrorSettings s, String root) throws IOException {
        if (s.find(root) == null) {
            throw new IOException("'" + root + "' is not a mirrored root on the primary");
        }
        Path dir = s.mapper().local(root);
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("mirrored root '" + root + "' " + MISSING_ROOT);
        }
        return dir;
    }
}
