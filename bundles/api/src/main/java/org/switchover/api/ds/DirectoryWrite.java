package org.switchover.api.ds;

/**
 * One write of a batch given to {@link DirectoryStore#write(java.util.List)}: a put of {@code entry} at
 * {@code path}, or a delete of the entry at {@code path} when {@code entry} is null.
 *
 * @param path the path written; for a put it equals {@code entry.path()}
 * @param entry the new entry, null for a delete
 */
public record DirectoryWrite(String path, DirectoryEntry entry) {

    /** Validates the path and that a put's entry sits at it. */
    public DirectoryWrite {
        DirectoryPaths.requireValid(path);
        if (entry != null && !entry.path().equals(path)) {
            throw new IllegalArgumentException("write of " + path + " carries an entry of " + entry.path());
        }
    }

    /** @return a put of {@code entry} */
    public static DirectoryWrite put(DirectoryEntry entry) {
        return new DirectoryWrite(entry.path(), entry);
    }

    /** @return a delete of the entry at {@code path} */
    public static DirectoryWrite delete(String path) {
        return new DirectoryWrite(path, null);
    }

    /** @return true for a delete */
    public boolean isDelete() {
        return entry == null;
    }
}
