package org.switchover.host.reference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionListener;
import org.switchover.api.interaction.QueueRef;

/** Stopping the host: a change in progress finishes first, none follows, and what the host held is kept. */
class AcdSimulationTest {

    private final AcdSimulation acd = new AcdSimulation("A", 1_700_000_000_000L);

    @Test
    void stoppingWaitsForTheChangeInProgressAndRefusesEveryLaterOne() throws Exception {
        acd.accepting(true);
        acd.create(Channel.MAIL, "m1", QueueRef.workgroup("sales"), "order", 1L);
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        acd.source(Channel.CHAT).addListener(new InteractionListener() {
            @Override
            public void changed(Interaction now) {
                inListener.countDown();
                try {
                    letGo.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void removed(String id, long version) {
            }
        });
        // a chat is being created (its listeners are being told) when the role goes
        CompletableFuture<Interaction> creating = CompletableFuture.supplyAsync(
                () -> acd.create(Channel.CHAT, "c1", QueueRef.user("alice"), "hello", 2L));
        assertTrue(inListener.await(10, TimeUnit.SECONDS));
        CompletableFuture<List<Interaction>> stopping = CompletableFuture.supplyAsync(() -> acd.accepting(false));
        for (int k = 0; k < 1000 && acd.accepting(); k++) {
            Thread.sleep(10);
        }
        Thread.sleep(50);
        assertFalse(stopping.isDone(), "stopped while a change was in progress");
        assertThrows(IllegalStateException.class,
                () -> acd.create(Channel.MAIL, "m2", QueueRef.workgroup("sales"), "late", 3L),
                "a change that starts once the host is stopping is refused");
        letGo.countDown();
        List<Interaction> held = stopping.get(10, TimeUnit.SECONDS);
        assertEquals("c1", creating.get(10, TimeUnit.SECONDS).id());

        assertEquals(List.of("c1", "m1"), held.stream().map(Interaction::id).sorted().toList(),
                "what the host held when it stopped: the change in progress included, the refused one not");
        assertEquals(held, acd.heldAtStop());
        assertTrue(acd.all().isEmpty(), "the live copy is discarded");
        assertThrows(IllegalStateException.class, () -> acd.release("m1"));
    }
}
