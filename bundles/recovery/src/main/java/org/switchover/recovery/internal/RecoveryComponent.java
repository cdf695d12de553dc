package org.switchover.recovery.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.HandOverParticipant;
import org.switchover.api.NodeIdentity;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.interaction.ActiveResources;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.interaction.ShadowObserver;
import org.switchover.api.log.Journal;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Notifier;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.status.RecoveryChannelStatus;
import org.switchover.api.status.RecoveryStatusContributor;
import org.switchover.api.time.SystemScheduler;
import org.switchover.api.warning.SwitchWarning;
import org.switchover.support.DurableFiles;
import org.switchover.support.RoleBinding;
import org.switchover.support.Threads;
import org.switchover.support.replication.SyncReplication;

/**
 * The Interaction Recovery Service in OSGi: follows the core's role conditions and the channel bundles'
 * {@link RecoveryChannel} services and hands every change to {@link RecoveryService} on this component's one thread
 * ({@code switchover-recovery-1}). Answers the backup's snapshot requests ({@value EventIds#RECOVERY_SNAPSHOT}), raises
 * a {@link SwitchWarning} while an enabled channel's synchronisation is incomplete on the backup, and writes each
 * promotion's report to {@code ${data.dir}/recovery/last-promotion.txt} (and logs it).
 */
@Component(name = "org.switchover.recovery", immediate = true,
        service = {RecoveryComponent.class, SwitchWarning.class, RequestHandler.class,
            RecoveryStatusContributor.class, ActiveResources.class, HandOverParticipant.class},
        property = RequestHandler.EVENT_ID + "=" + EventIds.RECOVERY_SNAPSHOT)
@Designate(ocd = RecoveryComponent.Config.class)
public final class RecoveryComponent implements SwitchWarning, RequestHandler, RecoveryStatusContributor,
        ActiveResources, HandOverParticipant {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryComponent.class);
    private static final String FAILED = "Interaction recovery: a change could not be applied";
    private static final Logger AUDIT = LoggerFactory.getLogger("org.switchover.audit");
    /** Lines of a report logged one by one; the file has them all. */
    private static final int LOGGED_LOSSES = 200;
    /** Before a promotion: the stream tail of a controlled hand-off lands within this quiet time. */
    private static final long QUIET_MILLIS = 300;
    private static final long MAX_QUIET_WAIT_MILLIS = 3000;
    /**
     * Test-only system property: a pause (ms, 0..{@value #MAX_SYNC_PAGE_DELAY_MILLIS}) before each snapshot page a
     * backup asks for, so that a system test can watch a full synchronisation in progress. Never set in production.
     */
    static final String SYNC_PAGE_DELAY = "switchover.recovery.test.sync.page.delay.ms";
    static final long MAX_SYNC_PAGE_DELAY_MILLIS = 10_000;

    /** Interaction recovery's replication parameters, PID {@code org.switchover.recovery} (named as DS sync's). */
    @ObjectClassDefinition(id = "org.switchover.recovery", name = "Switchover interaction recovery",
            description = "How the primary confirms an interaction change to the host")
    public @interface Config {
        @AttributeDefinition(name = "Replication Mode", options = {
                @Option(label = "async: a change is confirmed to the host once committed locally", value = "async"),
                @Option(label = "sync: a change is confirmed once the backup has applied it", value = "sync")},
                description = "async: the host's interaction change returns as soon as it is published (a kill -9"
                        + " of the primary can lose what the backup had not yet received). sync: it returns only"
                        + " after the backup applied it to its shadows; a backup that does not answer within the"
                        + " Synchronous Replication Timeout degrades the channel to async (switch warning, audit"
                        + " line) until it has kept up for the Resume Hold")
        String switchover_replication_mode() default "async";

        @AttributeDefinition(name = "Synchronous Replication Timeout", min = "50", max = "600000",
                description = "Sync mode: the longest an interaction change waits for the backup (ms)")
        long switchover_replication_sync_timeout_ms() default 5000;

        @AttributeDefinition(name = "Synchronous Replication Resume Hold", min = "0", max = "3600000",
                description = "Sync mode, degraded: how long the backup must keep acknowledging every probe in time"
                        + " before the channel is synchronous again (ms; 0 = at the first)")
        long switchover_replication_sync_resume_ms() default 10000;
    }

    private final ExecutorService control = Threads.single("switchover-recovery");
    private final SystemScheduler syncScheduler = new SystemScheduler("switchover-recovery-sync");
    private volatile SyncReplication.Settings replication = SyncReplication.Settings.DEFAULTS;
    private volatile boolean configured;
    private final RecoveryService service;
    private final Path reportDir;
    private final RoleBinding roles;

    @Activate
    public RecoveryComponent(@Reference Notifier notifier, @Reference SwitchoverStatus status,
            @Reference NodeIdentity identity, BundleContext context, Map<String, Object> props) {
        this.reportDir = identity.dataDir().resolve("recovery");
        this.service = new RecoveryService(notifier, status::epoch, System::currentTimeMillis, this::reported,
                QUIET_MILLIS, MAX_QUIET_WAIT_MILLIS, syncScheduler, this::post);
        configure(props);
        service.replication(new RecoveryReplication(syncScheduler, new Journal(syncScheduler,
                LoggerFactory.getLogger(RecoveryReplication.class), LoggerFactory.getLogger(Journal.AUDIT_LOGGER)),
                () -> replication.mode(), () -> replication.timeoutMillis(), () -> replication.resumeMillis()));
        long delay = syncPageDelay(ConfigReader.systemValue(SYNC_PAGE_DELAY));
        if (delay > 0) {
            LOG.info("Interaction recovery: test-only {}={}: each snapshot page waits {} ms", SYNC_PAGE_DELAY, delay,
                    delay);
            service.syncPageDelay(delay);
        }
        this.roles = new RoleBinding(control, role -> Threads.logging(() -> service.role(role), LOG, FAILED).run());
        // the host's threads read the condition itself: the host takes work before this component's thread is told
        service.primaryCondition(roles::primary);
        roles.track(context);
    }

    /** Reads the replication parameters; a malformed mode keeps the previous one (logged, naming the parameter). */
    @Modified
    void configure(Map<String, Object> props) {
        ConfigReader r = new ConfigReader(Config.class, props, LOG::warn);
        SyncReplication.Settings previous = replication;
        SyncReplication.Mode before = previous.mode();
        replication = SyncReplication.Settings.read(r, previous, malformed -> LOG.error(
                "Interaction recovery: {}; keeping {}", malformed, before.name().toLowerCase(Locale.ROOT)));
        SyncReplication.Mode mode = replication.mode();
        boolean configured = this.configured;
        this.configured = true;
        LOG.info("Interaction recovery: replication mode {} (sync timeout {} ms, resume hold {} ms)",
                mode.name().toLowerCase(Locale.ROOT), replication.timeoutMillis(), replication.resumeMillis());
        if (configured && before != mode) {
            AUDIT.info("Interaction recovery: replication mode {} -> {} (parameter switchover.replication.mode)",
                    before.name().toLowerCase(Locale.ROOT), mode.name().toLowerCase(Locale.ROOT));
        }
    }

    /** @return the test-only page delay from its property's text; 0 when absent, and when invalid (logged) */
    static long syncPageDelay(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v >= 0 && v <= MAX_SYNC_PAGE_DELAY_MILLIS) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.error("Interaction recovery: {}='{}' is not a whole number of ms from 0 to {}; ignored (no delay)",
                SYNC_PAGE_DELAY, text, MAX_SYNC_PAGE_DELAY_MILLIS);
        return 0;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindChannel(RecoveryChannel c) {
        post(() -> service.channel(c));
    }

    void updatedChannel(RecoveryChannel c) {
        post(() -> service.channel(c));
    }

    void unbindChannel(RecoveryChannel c) {
        post(() -> service.channelGone(c));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindObserver(ShadowObserver o) {
        service.observers().add(o);
    }

    void unbindObserver(ShadowObserver o) {
        service.observers().remove(o);
    }


    private void post(Runnable task) {
        Threads.post(control, task, LOG, FAILED);
    }

    private void reported(RecoveryReport report) {
        AUDIT.info("Interaction recovery: {}", report.headline());
        report.summaries().forEach((c, s) -> LOG.info("Interaction recovery report: {}: {}", c.key(), s));
        List<RecoveryReport.Line> losses = report.losses();
        for (int k = 0; k < losses.size() && k < LOGGED_LOSSES; k++) {
            RecoveryReport.Line l = losses.get(k);
            LOG.warn("Interaction recovery report: {} {} ({}): not kept: {}", l.channel().key(), l.id(), l.action(),
                    String.join("; ", l.lost()));
        }
        if (losses.size() > LOGGED_LOSSES) {
            LOG.warn("Interaction recovery report: {} more interactions with losses, see {}",
                    losses.size() - LOGGED_LOSSES, reportDir.resolve("last-promotion.txt"));
        }
        try {
            Files.createDirectories(reportDir);
            DurableFiles.write(reportDir.resolve("last-promotion.txt"), report.text().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.error("Interaction recovery: could not write the report to {}: {}", reportDir, e.getMessage());
        }
    }

    /**
     * A controlled hand-over, on the old primary: its host stopped taking work (the primary condition is gone, and the
     * role change is already queued on the control thread before this); the acknowledgement waits until the backup
     * has every change the host made up to then, bounded by the budget ({@link LeavingSides#handOver}).
     */
    @Override
    public CompletionStage<String> beforeAcknowledge(long budgetMillis) {
        CompletableFuture<String> line = new CompletableFuture<>();
        post(() -> service.handOver(budgetMillis).whenComplete((l, e) -> {
            if (e != null) {
                line.completeExceptionally(e);
            } else {
                line.complete(l);
            }
        }));
        return line;
    }

    @Override
    public CompletionStage<byte[]> handle(Request request) {
        return service.handle(request);
    }

    @Override
    public Optional<String> warning() {
        return service.warning();
    }

    @Override
    public List<RecoveryChannelStatus> recoveryStatus() {
        return service.recoveryStatus();
    }

    @Override
    public List<Interaction> page(Channel channel, String afterId, int limit) {
        return service.activeResources(channel, afterId == null ? "" : afterId, Math.max(0, Math.min(limit,
                MAX_PAGE)));
    }

    @Override
    public Optional<Interaction> find(Channel channel, String id) {
        return id == null || id.isEmpty() ? Optional.empty() : service.activeResource(channel, id);
    }

    /** @return the lines of {@code switchover:recovery-status} */
    String status() {
        return service.status();
    }

    /**
     * @return the last promotion's summaries and the interactions that lost something (the whole report, every
     *     interaction, is in {@code last-promotion.txt}), or a line saying there was none
     */
    String report() {
        RecoveryReport r = service.lastReport();
        return r == null ? "no promotion since this node started" : r.losses(LOGGED_LOSSES) + "every interaction: "
                + reportDir.resolve("last-promotion.txt");
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        roles.close();
        control.execute(service::close);
        control.shutdown();
        if (!control.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("Interaction recovery: control thread did not stop within 10 s");
            control.shutdownNow();
        }
        syncScheduler.shutdown();
    }
}
