package org.switchover.mirror.internal;

/**
 * One item of a manifest.
 *
 * @param path path relative to the mirrored root, {@code /}-separated, never empty, never with {@code ..}
 * @param directory true for a directory (size, mtime and digest are then 0, 0, "")
 * @param size length in bytes
 * @param mtime last-modified time, milliseconds since the epoch
 * @param sha256 lower-case hex SHA-256 of the content
 */
record Entry(String path, boolean directory, long size, long mtime, String sha256) {

    static Entry dir(String path) {
        return new Entry(path, true, 0L, 0L, "");
    }

    /** @return true when the bytes are the same (size and digest), whatever the mtimes. */
    boolean sameContent(Entry other) {
        return directory == other.directory && size == other.size && sha256.equals(other.sha256);
    }

    /**
     * Checks a relative path received from the peer: a path that could leave the root is refused.
     *
     * @return {@code path}
     * @throws IllegalArgumentException naming the bad path
     */
    static String checkRelative(String path) {
        if (path.startsWith("/") || path.contains("\\") || path.contains("\0") || path.matches("^[A-Za-z]:.*")) {
            throw new IllegalArgumentException("path '" + path + "' is not relative to a mirrored root");
        }
        for (String part : path.split("/", -1)) {
            if (path.isEmpty()) {
                break;
            }
            if (part.isEmpty() || part.equals("..") || part.equals(".")) {
                throw new IllegalArgumentException("path '" + path + "' is not a plain relative path");
            }
        }
        return path;
    }
}
