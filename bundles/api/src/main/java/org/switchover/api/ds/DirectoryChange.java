package org.switchover.api.ds;

/**
 * One committed write of a {@link DirectoryStore}.
 *
 * @param changeNumber the store's local change number of the write
 * @param path the path written
 * @param entry the new entry, or null when the entry at {@code path} was deleted
 */
public record DirectoryChange(long changeNumber, String path, DirectoryEntry entry) {
    /** @return true for a delete */
    public boolean isDelete() {
        return entry == null;
    }
}
