package org.switchover.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.switchover.api.NodeId;
import org.switchover.api.SwitchoverState;
import org.switchover.api.host.HostStartup;
import org.switchover.api.monitor.PrimaryMonitor;
import org.switchover.api.notifier.EventIds;
import org.switchover.api.notifier.Response;
import org.switchover.api.notifier.ResponseOutcome;
import org.switchover.testing.MemoryNotifier;
import org.switchover.testing.VirtualScheduler;

/** One state machine on virtual time with a scripted notifier, a fake monitor and recorded outputs. */
final class Harness {

    final VirtualScheduler clock;
    /** The machine's own scheduler: the shared clock, freezable like a stopped process. */
    final FreezableScheduler sched;
    final MemoryNotifier notifier;
    final RecordingOutputs outputs;
    final FakeMonitor monitor;
    volatile PrimaryMonitor monitorRef;
    volatile HostStartup host;
    final Path dir;
    final CoreSettings.Builder settings;
    final Map<String, Function<MemoryNotifier.Sent, CompletionStage<Response>>> handlers = new HashMap<>();
    StateMachine machine;

    Harness(Path dir, String node) {
        this(dir, node, new VirtualScheduler());
    }

    Harness(Path dir, String node, VirtualScheduler clock) {
        this.clock = clock;
        this.sched = new FreezableScheduler(clock);
        this.dir = dir;
        this.notifier = new MemoryNotifier(clock);
        this.outputs = new RecordingOutputs(clock::nowMillis);
        this.monitor = new FakeMonitor(() -> outputs.monitoring);
        this.monitorRef = monitor;
        this.settings = CoreSettings.builder(node, dir).peerAddress("peer:3633");
        notifier.responder((s, index) -> {
            Function<MemoryNotifier.Sent, CompletionStage<Response>> h = handlers.get(s.eventId());
            return h != null ? h.apply(s) : MemoryNotifier.outcome(ResponseOutcome.CONNECTION_LOST,
                    "connection refused");
        });
    }

    StateMachine create() {
        machine = new StateMachine(sched, notifier, () -> monitorRef, () -> host, outputs, settings.build());
        notifier.onLinkStatus(machine::linkChanged);
        return machine;
    }

    /** Scripts the peer's answer to state queries. */
    void peerAnswers(NodeId node, SwitchoverState state, long epoch, String version) {
        handlers.put(EventIds.STATE_QUERY, s -> MemoryNotifier.reply(Wire.encode(
                new Wire.StateInfo(node, state, epoch, version, false))));
    }

    void peerUnreachable() {
        handlers.remove(EventIds.STATE_QUERY);
    }

    /** Starts as backup of a primary A (epoch 5, same release). */
    StateMachine startAsBackup() {
        peerAnswers(NodeId.A, SwitchoverState.PRIMARY, 5, settings.build().version());
        create();
        machine.start();
        run();
        assertEquals(SwitchoverState.BACKUP, state());
        return machine;
    }

    /** Starts alone (the peer is unreachable), which makes this node primary. */
    StateMachine startAsPrimary() {
        peerUnreachable();
        create();
        machine.start();
        run();
        // a silent peer is asked a few more times (one retry delay apart) before the fail-safe start
        for (int i = 0; i < 20 && state() == SwitchoverState.INIT; i++) {
            advance(settings.build().negotiationRetryMillis());
        }
        assertEquals(SwitchoverState.PRIMARY, state());
        return machine;
    }

    void run() {
        clock.runDue();
    }

    void advance(long millis) {
        clock.advance(millis);
    }

    SwitchoverState state() {
        return machine.snapshot().state();
    }

    long epoch() {
        return machine.snapshot().epoch();
    }

    List<Journal.Entry> journal() {
        return machine.journal().entries();
    }

    /** @return the first journal entry containing {@code text}, or null. */
    Journal.Entry find(String text) {
        return journal().stream().filter(e -> e.text().contains(text)).findFirst().orElse(null);
    }

    /** @return the journal index of the first entry containing {@code text}, -1 when none. */
    int indexOf(String text) {
        List<Journal.Entry> j = journal();
        for (int i = 0; i < j.size(); i++) {
            if (j.get(i).text().contains(text)) {
                return i;
            }
        }
        return -1;
    }

    void post(EventType type, String reason, String detail) {
        machine.post(Event.of(type, reason, detail));
    }

    /** A host whose start-up completes when the test says so. */
    static final class Host implements HostStartup {
        volatile boolean starting = true;
        final CompletableFuture<Void> started = new CompletableFuture<>();

        @Override
        public boolean isStarting() {
            return starting;
        }

        @Override
        public CompletionStage<Void> started() {
            return started;
        }

        void finish() {
            starting = false;
            started.complete(null);
        }
    }
}
