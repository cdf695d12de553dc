package org.switchover.host.reference.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.host.HostStartup;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.api.time.SystemScheduler;

/**
 * The reference host's start-up phase: the host reports itself as starting for {@code startup.seconds} after this
 * component activates. Changing the value while the host is still starting moves the end of start-up (counted from
 * activation); once start-up has completed it stays completed.
 *
 * <p>Shares the configuration of {@link ReferenceModule} (PID {@value ReferenceModule#PID}); the metatype is
 * designated there.
 */
@Component(name = "org.switchover.host.reference.startup", configurationPid = ReferenceModule.PID,
        service = HostStartup.class, immediate = true)
public final class ReferenceHostStartup implements HostStartup {

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceHostStartup.class);

    private final Scheduler scheduler;
    private final SystemScheduler ownedScheduler;
    private final long activatedAt;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private Cancellable timer = () -> { };

    @Activate
    public ReferenceHostStartup(ReferenceModule.Config config) {
        this(new SystemScheduler("switchover-host-reference-1"), config, true);
    }

    /** For tests: runs on the given scheduler, which the caller owns. */
    ReferenceHostStartup(Scheduler scheduler, ReferenceModule.Config config) {
        this(scheduler, config, false);
    }

    private ReferenceHostStartup(Scheduler scheduler, ReferenceModule.Config config, boolean owned) {
        this.scheduler = scheduler;
        this.ownedScheduler = owned ? (SystemScheduler) scheduler : null;
        this.activatedAt = scheduler.nowMillis();
        configure(config);
    }

    @Modified
    void configure(ReferenceModule.Config config) {
        int seconds = ReferenceModule.startupSeconds(config);
        synchronized (this) {
            if (started.isDone()) {
                return;
            }
            timer.cancel();
            long remaining = activatedAt + seconds * 1000L - scheduler.nowMillis();
            if (remaining > 0) {
                LOG.info("Host starting; start-up completes in {} ms", remaining);
                timer = scheduler.schedule(this::complete, remaining);
                return;
            }
        }
        complete();
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            timer.cancel();
        }
        if (ownedScheduler != null) {
            ownedScheduler.shutdown();
        }
    }

    @Override
    public boolean isStarting() {
        return !started.isDone();
    }

    @Override
    public CompletionStage<Void> started() {
        // A read-only view: callers must not be able to complete start-up themselves.
        return started.minimalCompletionStage();
    }

    private void complete() {
        if (started.complete(null)) {
            LOG.info("Host start-up complete");
        }
    }
}
