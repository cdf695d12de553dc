package org.switchover.api.ds;

import java.util.ArrayList;
import java.util.List;

/**
 * Path rules of a {@link DirectoryStore}. A path is a sequence of non-empty segments joined by {@link #SEPARATOR}
 * ('/'), with no leading or trailing separator: {@code ${CONFIG}/Users/alice}. The empty string {@link #ROOT} is the
 * root of the tree. A segment may contain any character except '/' and the control characters, and may not be
 * {@code .} or {@code ..} (they would name another entry wherever a path is mapped onto a file system); the reference's
 * backslash form ({@code ${CONFIG}\Users}) is converted with {@link #fromReference(String)}.
 */
public final class DirectoryPaths {

    /** The separator between path segments. */
    public static final char SEPARATOR = '/';
    /** The root path: the parent of every top-level entry; never holds an entry itself. */
    public static final String ROOT = "";

    private DirectoryPaths() {
    }

    /** @return null when {@code path} is a valid non-root entry path, otherwise why it is not. */
    public static String problem(String path) {
        if (path == null) {
            return "path is null";
        }
        if (path.isEmpty()) {
            return "the root path holds no entry";
        }
        if (path.charAt(0) == SEPARATOR || path.charAt(path.length() - 1) == SEPARATOR) {
            return "path '" + path + "' starts or ends with '/'";
        }
        if (path.contains("//")) {
            return "path '" + path + "' has an empty segment";
        }
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                return "path '" + path + "' contains a control character";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return "path '" + path + "' has a '" + segment + "' segment (relative segments are not allowed)";
            }
        }
        return null;
    }

    /** @throws IllegalArgumentException naming the problem when {@code path} is not a valid entry path */
    public static void requireValid(String path) {
        String p = problem(path);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
    }

    /** @return the parent path ({@link #ROOT} for a top-level path). */
    public static String parent(String path) {
        int i = path.lastIndexOf(SEPARATOR);
        return i < 0 ? ROOT : path.substring(0, i);
    }

    /** @return the last segment of {@code path}. */
    public static String name(String path) {
        return path.substring(path.lastIndexOf(SEPARATOR) + 1);
    }

    /** @return {@code parent} extended by one segment. */
    public static String child(String parent, String name) {
        return parent.isEmpty() ? name : parent + SEPARATOR + name;
    }

    /** @return true when {@code path} equals {@code ancestor} or lies below it ({@link #ROOT} contains everything). */
    public static boolean isWithin(String path, String ancestor) {
        return ancestor.isEmpty() || path.equals(ancestor)
                || path.startsWith(ancestor) && path.charAt(ancestor.length()) == SEPARATOR;
    }

    /** @return every proper ancestor of {@code path}, nearest first, ending with {@link #ROOT}. */
    public static List<String> ancestors(String path) {
        List<String> out = new ArrayList<>();
        String p = path;
        while (!p.isEmpty()) {
            p = parent(p);
            out.add(p);
        }
        return out;
    }

    /**
     * Converts a path written the reference's way ({@code ${CONFIG}\Users\}, backslashes, surrounding blanks) to
     * this store's form ({@code ${CONFIG}/Users}).
     */
    public static String fromReference(String text) {
        String p = text.trim().replace('\\', SEPARATOR);
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.replaceAll("/{2,}", "/");
    }
}
