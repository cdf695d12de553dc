package org.switchover.notifier.internal;

import java.util.concurrent.CopyOnWriteArrayList;

/** The publishing side of one stream name: its current publisher (may be none) and the followers attached to it. */
final class PublishedStream {

    final String name;
    volatile PublisherImpl publisher;
    final CopyOnWriteArrayList<FollowerSession> sessions = new CopyOnWriteArrayList<>();

    PublishedStream(String name) {
        this.name = name;
    }

    /** Lets every attached follower send what it can. */
    void wakeAll() {
        for (FollowerSession s : sessions) {
            s.requestPump();
        }
    }
}
