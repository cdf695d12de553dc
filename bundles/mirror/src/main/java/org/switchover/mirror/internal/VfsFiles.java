package org.switchover.mirror.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.vfs2.CacheStrategy;
import org.apache.commons.vfs2.FileObject;
import org.apache.commons.vfs2.FileSystemException;
import org.apache.commons.vfs2.FileType;
import org.apache.commons.vfs2.RandomAccessContent;
import org.apache.commons.vfs2.cache.NullFilesCache;
import org.apache.commons.vfs2.util.RandomAccessMode;
import org.apache.commons.vfs2.impl.DefaultFileSystemManager;
import org.apache.commons.vfs2.provider.local.DefaultLocalFileProvider;

/**
 * Every file access of the mirror, through Apache Commons VFS: manifests, digests, chunked reads, and the backup's
 * writes (temporary name in the same directory, then an atomic rename, mtime preserved). Uses its own file-system
 * manager with no cache, so every call sees the disk as it is now. Thread-safe.
 */
final class VfsFiles implements AutoCloseable {

    /** Suffix of a file being received; never listed in a manifest, removed when found left over. */
    static final String PART_SUFFIX = ".mirror-part";
    /** Size of one content chunk (and the most a transfer holds in memory). */
    static final int CHUNK_BYTES = 1 << 20;

    private record Digest(long size, long mtime, String sha256) {
    }

    private final DefaultFileSystemManager manager;
    /** Digest cache by absolute path: a file whose size and mtime are unchanged is not read again. */
    private final Map<String, Digest> digests = new ConcurrentHashMap<>();

    VfsFiles() throws FileSystemException {
        manager = new DefaultFileSystemManager();
        manager.addProvider("file", new DefaultLocalFileProvider());
        manager.setFilesCache(new NullFilesCache());
        manager.setCacheStrategy(CacheStrategy.ON_CALL);
        manager.init();
    }

    FileObject resolve(Path root, String relative) throws FileSystemException {
        FileObject base = manager.resolveFile(root.toUri());
        return relative.isEmpty() ? base : base.resolveFile(relative);
    }

    /** @return true for a temporary name the mirror itself writes. */
    static boolean isPart(String name) {
        return name.endsWith(PART_SUFFIX);
    }

    /**
     * Lists a root, or a part of it, as the primary would mirror it.
     *
     * @param root this node's directory of the root
     * @param recursive descend into subdirectories (a {@code +} root)
     * @param scope relative path inside the root to list ("" for all of it); a file gives one entry
     * @param exceptions extensions left out
     * @return entries by relative path; empty when the scope does not exist
     */
    SortedMap<String, Entry> manifest(Path root, boolean recursive, String scope, Extensions exceptions)
            throws IOException {
        SortedMap<String, Entry> out = new TreeMap<>();
        FileObject start = resolve(root, scope);
        if (!start.exists()) {
            return out;
        }
        if (start.isFile()) {
            if (includeFile(start, recursive, scope, exceptions)) {
                out.put(scope, fileEntry(start, scope));
            }
            return out;
        }
        if (!scope.isEmpty()) {
            if (!recursive) {
                return out;
            }
            out.put(scope, Entry.dir(scope));
        }
        walk(start, scope, recursive, exceptions, out);
        return out;
    }

    private boolean includeFile(FileObject f, boolean recursive, String rel, Extensions exceptions) {
        String name = f.getName().getBaseName();
        return !isPart(name) && !exceptions.excludes(name) && (recursive || !rel.contains("/"));
    }

    private void walk(FileObject dir, String rel, boolean recursive, Extensions exceptions,
                      SortedMap<String, Entry> out) throws IOException {
        FileObject[] children = dir.getChildren();
        for (FileObject c : children) {
            String name = c.getName().getBaseName();
            String path = rel.isEmpty() ? name : rel + "/" + name;
            FileType type = c.getType();
            if (type == FileType.FOLDER) {
                if (recursive) {
                    out.put(path, Entry.dir(path));
                    walk(c, path, true, exceptions, out);
                }
            } else if (type == FileType.FILE && !isPart(name) && !exceptions.excludes(name)) {
                try {
                    out.put(path, fileEntry(c, path));
                } catch (IOException e) {
                    // deleted or unreadable while listing: the next change event brings it in line
                    digests.remove(c.getName().getPath());
                }
            }
        }
    }

    private Entry fileEntry(FileObject f, String rel) throws IOException {
        long size = f.getContent().getSize();
        long mtime = f.getContent().getLastModifiedTime();
        String key = f.getName().getPath();
        Digest d = digests.get(key);
        if (d == null || d.size() != size || d.mtime() != mtime) {
            d = new Digest(size, mtime, sha256(f));
            digests.put(key, d);
        }
        return new Entry(rel, false, size, mtime, d.sha256());
    }

    static String sha256(FileObject f) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = f.getContent().getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** One piece of a file as the primary answers a chunk request. */
    record Chunk(long size, long mtime, byte[] bytes) {
    }

    /** Reads at most {@code length} bytes at {@code offset}, with the file's current size and mtime. */
    Chunk read(Path root, String rel, long offset, int length) throws IOException {
        FileObject f = resolve(root, rel);
        if (!f.isFile()) {
            throw new IOException("no file '" + rel + "' under " + root);
        }
        long size = f.getContent().getSize();
        long mtime = f.getContent().getLastModifiedTime();
        int n = (int) Math.max(0, Math.min(length, size - offset));
        byte[] bytes = new byte[n];
        if (n > 0) {
            // random access: a chunk deep in a large file is a seek, not a read of everything before it
            try (RandomAccessContent in = f.getContent().getRandomAccessContent(RandomAccessMode.READ)) {
                in.seek(offset);
                in.readFully(bytes);
            } catch (java.io.EOFException shrunk) {
                // the file got shorter since its size was read: the writer sees the size change and gives up
                bytes = new byte[0];
            }
        }
        return new Chunk(size, mtime, bytes);
    }

    /** Source of a file's bytes for {@link #write}: the next chunk at an offset, or an exception. */
    interface ChunkSource {
        Chunk next(long offset) throws IOException;
    }

    /**
     * Writes a file received from the primary: the bytes go to a temporary name in the target's directory, are
     * checked against the expected digest, and only then replace the target with a rename. Whatever fails on the
     * way (connection lost, file changed on the primary, disk full) leaves the target as it was and no temporary
     * file behind.
     *
     * @param expected the primary's manifest entry (size, mtime, digest)
     * @throws LocalWriteFailed when this node's own disk refused (full, no permission, read-only): the file must be
     *     written again later
     * @throws IOException when the file could not be received; the message says why
     */
    void write(Path root, Entry expected, ChunkSource source) throws IOException {
        String rel = expected.path();
        FileObject target = resolve(root, rel);
        FileObject parent = target.getParent();
        FileObject part = parent.resolveFile("." + target.getName().getBaseName() + PART_SUFFIX);
        boolean done = false;
        try {
            localDo("creating its directory", root, rel, parent::createFolder);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long offset = 0;
            try (OutputStream out = new LocalStream(root, rel, local("opening", root, rel,
                    () -> part.getContent().getOutputStream()))) {
                while (offset < expected.size()) {
                    Chunk c = source.next(offset);
                    if (c.size() != expected.size() || c.mtime() != expected.mtime()) {
                        throw new IOException("'" + rel + "' changed on the primary during the transfer");
                    }
                    if (c.bytes().length == 0) {
                        throw new IOException("'" + rel + "' ended early at byte " + offset);
                    }
                    out.write(c.bytes());
                    md.update(c.bytes());
                    offset += c.bytes().length;
                }
            }
            String sha = HexFormat.of().formatHex(md.digest());
            if (!sha.equals(expected.sha256())) {
                throw new IOException("'" + rel + "' arrived with another digest (changed on the primary)");
            }
            localDo("setting the mtime", root, rel, () -> part.getContent().setLastModifiedTime(expected.mtime()));
            if (target.isFolder()) {
                localDo("removing a directory in its place", root, rel, target::deleteAll);
            }
            localDo("renaming into place", root, rel, () -> part.moveTo(target));
            digests.put(target.getName().getPath(), new Digest(expected.size(), expected.mtime(), sha));
            done = true;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        } finally {
            if (!done) {
                try {
                    part.delete();
                } catch (FileSystemException e) {
                    // reported by the caller's failure; a left-over part file is removed at the next full sync
                }
            }
        }
    }

    void mkdirs(Path root, String rel) throws IOException {
        FileObject d = resolve(root, rel);
        localDo("creating the directory", root, rel, () -> {
            if (d.isFile()) {
                d.delete();
            }
            d.createFolder();
        });
    }

    void setMtime(Path root, String rel, long mtime) throws IOException {
        FileObject f = resolve(root, rel);
        localDo("setting the mtime", root, rel, () -> f.getContent().setLastModifiedTime(mtime));
    }

    /** Deletes a file or a whole directory tree. @return how many files and directories went */
    int delete(Path root, String rel) throws IOException {
        FileObject f = resolve(root, rel);
        digests.keySet().removeIf(k -> k.startsWith(f.getName().getPath()));
        return local("deleting", root, rel, () -> f.exists() ? f.deleteAll() : 0);
    }

    // ---------------------------------------------------------------- this node's own writes

    /**
     * Writing to this node's own disk failed (disk full, no permission, read-only file system): unlike a transfer
     * that broke or a file that changed on the primary, the change has to be written again once the disk lets it.
     */
    static final class LocalWriteFailed extends IOException {
        private static final long serialVersionUID = 1L;
        private final String what;
        private final String path;
        private final String reason;

        LocalWriteFailed(String what, String path, IOException cause) {
            super("'" + path + "': " + what + " failed: " + causeText(cause), cause);
            this.what = what;
            this.path = path;
            this.reason = causeText(cause);
        }

        /** @return "writing failed: No space left on device" (the path left out) */
        String shortReason() {
            return what + " failed: " + reason;
        }

        /** @return the file or directory, relative to its root */
        String path() {
            return path;
        }

        /** @return what the file system said (e.g. "No space left on device") */
        String reason() {
            return reason;
        }
    }

    /** @return the innermost cause's own words: "No space left on device", "Permission denied", ... */
    static String causeText(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof java.nio.file.FileSystemException f) {
            return f.getReason() != null ? f.getReason() : t.getClass().getSimpleName() + " " + f.getFile();
        }
        return t.getMessage() == null || t.getMessage().isBlank() ? t.toString() : t.getMessage();
    }

    /**
     * VFS reports some refusals (a delete, a folder not created) with its own words only ("Could not delete ..."):
     * add what the file system says about the place, so that the operator reads the cause.
     */
    private static IOException withDiagnosis(IOException e, Path file) {
        Throwable inner = e;
        while (inner.getCause() != null && inner.getCause() != inner) {
            inner = inner.getCause();
        }
        if (!(inner instanceof FileSystemException)) {
            return e; // the JDK's own exception: it names the cause already
        }
        String why = null;
        try {
            Path existing = file;
            while (existing != null && !java.nio.file.Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                java.nio.file.FileStore store = java.nio.file.Files.getFileStore(existing);
                Path dir = java.nio.file.Files.isDirectory(existing) && !existing.equals(file) ? existing
                        : existing.getParent();
                if (store.isReadOnly()) {
                    why = "Read-only file system";
                } else if (store.getUsableSpace() == 0) {
                    why = "No space left on device";
                } else if (dir != null && !java.nio.file.Files.isWritable(dir)) {
                    why = "Permission denied on " + dir;
                }
            }
        } catch (IOException | SecurityException ignored) {
            // no better words than VFS's
        }
        if (why == null) {
            return e;
        }
        // no cause: causeText() reads this message; VFS's exception stays attached for a stack trace
        IOException diagnosed = new IOException(e.getMessage() + " (" + why + ")");
        diagnosed.addSuppressed(e);
        return diagnosed;
    }

    /** Test seam in front of every write to this node's disk: may throw as a full or read-only disk would. */
    @FunctionalInterface
    interface WriteFault {
        WriteFault NONE = (what, file) -> { };

        void check(String what, Path file) throws IOException;
    }

    private volatile WriteFault fault = WriteFault.NONE;

    /** Installs a {@link WriteFault} (unit tests). */
    void writeFault(WriteFault f) {
        fault = f == null ? WriteFault.NONE : f;
    }

    @FunctionalInterface
    private interface LocalOp<T> {
        T run() throws IOException;
    }

    @FunctionalInterface
    private interface LocalAction {
        void run() throws IOException;
    }

    private <T> T local(String what, Path root, String rel, LocalOp<T> op) throws LocalWriteFailed {
        try {
            fault.check(what, root.resolve(rel));
            return op.run();
        } catch (LocalWriteFailed e) {
            throw e;
        } catch (IOException e) {
            throw new LocalWriteFailed(what, rel, withDiagnosis(e, root.resolve(rel)));
        }
    }

    private void localDo(String what, Path root, String rel, LocalAction op) throws LocalWriteFailed {
        this.<Void>local(what, root, rel, () -> {
            op.run();
            return null;
        });
    }

    /** The part file's stream: what the disk refuses becomes a {@link LocalWriteFailed}. */
    private final class LocalStream extends java.io.FilterOutputStream {
        private final Path root;
        private final String rel;

        LocalStream(Path root, String rel, OutputStream out) {
            super(out);
            this.root = root;
            this.rel = rel;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            localDo("writing", root, rel, () -> out.write(b, off, len));
        }

        @Override
        public void close() throws IOException {
            localDo("closing", root, rel, out::close);
        }
    }

    /** Removes temporary files a broken transfer (or a kill) left behind anywhere under {@code root}. */
    int removeLeftovers(Path root, boolean recursive) throws FileSystemException {
        FileObject base = resolve(root, "");
        if (!base.isFolder()) {
            return 0;
        }
        int n = 0;
        for (FileObject c : base.getChildren()) {
            if (c.isFile() && isPart(c.getName().getBaseName())) {
                n += c.delete() ? 1 : 0;
            } else if (recursive && c.isFolder()) {
                n += removeLeftovers(Path.of(c.getName().getPath()), true);
            }
        }
        return n;
    }

    @Override
    public void close() {
        manager.close();
    }
}
