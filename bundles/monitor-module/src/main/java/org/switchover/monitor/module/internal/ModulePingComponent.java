package org.switchover.monitor.module.internal;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.host.MonitoredModule;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Request;
import org.switchover.api.notifier.RequestHandler;
import org.switchover.api.time.Cancellable;
import org.switchover.api.time.Scheduler;
import org.switchover.support.monitor.MonitorThread;
import org.switchover.support.log.LogText;
import org.switchover.support.log.RateLimitedLog;

/**
 * The primary's side of the module ping: answers {@link EventIds#MODULE_PING} with the local monitored module's
 * incarnation id as 8 bytes, big-endian. The module is the {@link MonitoredModule} whose {@code module.name} is the
 * configured {@code Switchover Monitoring} value. No such module, or a stopped one, fails the answer so the pinger
 * sees REJECTED. A hung module is not answered for (the pinger's timeout applies), but the request is held only
 * for the module timeout plus a second and at most {@link #MAX_OUTSTANDING} at a time, so nothing piles up.
 */
@Component(name = ModulePingComponent.NAME, configurationPid = ModuleMonitorComponent.PID,
        service = RequestHandler.class, property = RequestHandler.EVENT_ID + "=" + EventIds.MODULE_PING)
// The metatype of the shared PID is designated by ModuleMonitorComponent.
public final class ModulePingComponent implements RequestHandler {

    /** Component name (unchanged since the class was ModulePingHandler). */
    public static final String NAME = "org.switchover.monitor.module.ping";

    /** Most module pings waiting for the module at one time; more are rejected at once. */
    static final int MAX_OUTSTANDING = 32;

    private static final Logger LOG = LoggerFactory.getLogger(ModulePingComponent.class);
    /** Refusals a peer can repeat at will: one WARN per kind a minute, the rest counted. */
    private final RateLimitedLog refusals = RateLimitedLog.perPeriod(LOG::warn, 60_000L);

    private final MonitorThread thread;
    private final Scheduler scheduler;
    private volatile ModuleMonitorSettings settings = ModuleMonitorSettings.DEFAULTS;
    private final Map<MonitoredModule, String> modules = new ConcurrentHashMap<>();
    private final AtomicInteger outstanding = new AtomicInteger();

    /** Activation by Declarative Services: the component owns the thread of its hold bounds. */
    @Activate
    public ModulePingComponent(Map<String, Object> properties) {
        this(properties, null);
    }

    /**
     * @param properties the configuration (the module monitor's PID)
     * @param scheduler the scheduler for the hold bound (tests pass a virtual one); null to own one
     */
    ModulePingComponent(Map<String, Object> properties, Scheduler scheduler) {
        this.thread = new MonitorThread(scheduler, "switchover-module-monitor-2");
        this.scheduler = thread.open();
        modified(properties);
    }

    @Modified
    public void modified(Map<String, Object> properties) {
        // The module monitor reads the same PID and reports malformed values; here they are kept quietly.
        settings = ModuleMonitorComponent.readSettings(properties, settings, warning -> { });
    }

    @Deactivate
    public void deactivate() {
        thread.close(null);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            service = MonitoredModule.class)
    public void addModule(MonitoredModule module, Map<String, Object> properties) {
        Object name = properties.get(MonitoredModule.MODULE_NAME);
        modules.put(module, name == null ? "" : name.toString().trim());
    }

    public void removeModule(MonitoredModule module) {
        modules.remove(module);
    }

    @Override
    public CompletionStage<byte[]> handle(Request request) {
        String wanted = settings.moduleName();
        MonitoredModule module = null;
        for (Map.Entry<MonitoredModule, String> e : modules.entrySet()) {
            if (e.getValue().equalsIgnoreCase(wanted)) {
                module = e.getKey();
                break;
            }
        }
        if (module == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "no monitored module named '" + wanted + "' is registered on this node"));
        }
        if (outstanding.incrementAndGet() > MAX_OUTSTANDING) {
            outstanding.decrementAndGet();
            refusals.log("too many pings", "Module ping from {} rejected: {} pings already wait for the {} module",
                    LogText.escape(request.senderId()), MAX_OUTSTANDING, LogText.escape(wanted));
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "too many module pings waiting for the " + wanted + " module"));
        }
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        answer.whenComplete((b, ex) -> outstanding.decrementAndGet());
        long hold = settings.timeoutMillis() + 1000L;
        Cancellable bound = scheduler.schedule(() -> answer.completeExceptionally(new TimeoutException(
                "the " + wanted + " module did not answer within " + hold + " ms")), hold);
        CompletionStage<Long> ping;
        try {
            ping = module.ping();
        } catch (RuntimeException e) {
            bound.cancel();
            answer.completeExceptionally(new IllegalStateException("the " + wanted + " module failed: " + e, e));
            return answer;
        }
        ping.whenComplete((id, ex) -> {
            bound.cancel();
            if (ex != null) {
                answer.completeExceptionally(new IllegalStateException(
                        "the " + wanted + " module is not running: " + rootMessage(ex), ex));
            } else if (id == null) {
                answer.completeExceptionally(new IllegalStateException(
                        "the " + wanted + " module answered without an incarnation id"));
            } else {
                answer.complete(ByteBuffer.allocate(Long.BYTES).putLong(id).array());
            }
        });
        return answer;
    }

    /** @return module pings currently waiting for the module. */
    int outstanding() {
        return outstanding.get();
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c != c.getCause()) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
