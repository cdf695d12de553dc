package org.switchover.api.interaction;

import java.util.Objects;

/**
 * The queue an interaction sits in: a workgroup queue (ACD distributes from it) or an agent's user queue.
 *
 * @param kind workgroup or user
 * @param name the workgroup's or the user's name, not null
 */
public record QueueRef(Kind kind, String name) {

    /** The two kinds of queue. */
    public enum Kind {
        /** A workgroup queue. */
        WORKGROUP,
        /** An agent's user queue. */
        USER
    }

    public QueueRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** @return the workgroup queue {@code name} */
    public static QueueRef workgroup(String name) {
        return new QueueRef(Kind.WORKGROUP, name);
    }

    /** @return the user queue of agent {@code name} */
    public static QueueRef user(String name) {
        return new QueueRef(Kind.USER, name);
    }

    /** @return true for an agent's user queue */
    public boolean isUser() {
        return kind == Kind.USER;
    }

    @Override
    public String toString() {
        return (kind == Kind.USER ? "user:" : "workgroup:") + name;
    }
}
