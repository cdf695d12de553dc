package org.switchover.api.time;

import java.util.concurrent.Executor;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A clock plus a single-threaded task queue. Tasks run one at a time, in order of due time (ties in order of
 * submission), so code that runs only on its scheduler needs no locks: that is how the state machine and the
 * monitors are built as actors.
 */
@ProviderType
public interface Scheduler extends Executor {

    /** @return milliseconds on this scheduler's clock; only differences are meaningful. */
    long nowMillis();

    /**
     * Runs {@code task} after {@code delayMillis} (at once when zero or negative).
     *
     * @return a handle that cancels the task
     */
    Cancellable schedule(Runnable task, long delayMillis);

    /** Runs {@code task} as soon as possible, after the tasks already due. */
    @Override
    default void execute(Runnable task) {
        schedule(task, 0L);
    }
}
