package org.switchover.console.internal.web;

/**
 * The console's users and login sessions; the users are replaced when the configuration changes (and every session
 * then ends). Thread-safe.
 */
final class WebAccess {
    private volatile Users users;
    private final Sessions sessions;

    WebAccess(Users users, Sessions sessions) {
        this.users = users;
        this.sessions = sessions;
    }

    Users users() {
        return users;
    }

    Sessions sessions() {
        return sessions;
    }

    /** Replaces the users; every session ends. */
    void users(Users now) {
        users = now;
        sessions.clear();
    }
}
