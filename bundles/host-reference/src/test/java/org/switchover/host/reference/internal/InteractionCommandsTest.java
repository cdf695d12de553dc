package org.switchover.host.reference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionListener;

class InteractionCommandsTest {

    private final AcdSimulation acd = new AcdSimulation("A", 1_700_000_000_000L);
    private final InteractionCommands shell = new InteractionCommands(acd);

    private String run(String... words) {
        return shell._main(words);
    }

    @Test
    void aChatIsCreatedAssignedTalkedAboutAndListed() {
        assertTrue(run("host:interaction-create", "chat", "web").startsWith("error: this node is not primary"));
        acd.accepting(true);
        String id = run("host:interaction-create", "chat", "web", "hello", "there");
        assertTrue(id.startsWith("A-"), id);
        assertTrue(run("interaction-assign", id, "alice").contains("chat CONNECTED user:alice agent=alice"));
        run("interaction-say", id, "alice", "how", "can", "I", "help?");
        run("interaction-file", id, "customer", "photo.jpg");
        String show = run("interaction-show", id);
        assertTrue(show.contains("alice TEXT how can I help?"), show);
        assertTrue(show.contains("FILE_TRANSFER (in flight) photo.jpg"), show);
        assertEquals("mail=0 chat=1 callback=0 sms=0 social_conversation=0 direct_message=0 total=1",
                run("interaction-count"));
        assertEquals("released " + id, run("interaction-release", id));
    }

    @Test
    void theLoadTakesEveryChannelThroughItsLifeAndTheDigestIsStable() {
        acd.accepting(true);
        List<String> events = new ArrayList<>();
        acd.source(Channel.CHAT).addListener(new InteractionListener() {
            @Override
            public void changed(Interaction now) {
                events.add(now.id() + " v" + now.version());
            }

            @Override
            public void removed(String id, long version) {
                events.add(id + " removed");
            }
        });
        assertTrue(run("interaction-load", "t", "20", "1000000").startsWith("loaded 120 in "));
        assertEquals("mail=20 chat=20 callback=20 sms=20 social_conversation=20 direct_message=20 total=120",
                run("interaction-count", "t-"));
        assertEquals(80, events.size(), "a chat: created, assigned, two lines");
        assertTrue(run("interaction-list", "chat").contains("t-chat-1 chat CONNECTED user:agent1 agent=agent1"));
        String digest = run("interaction-digest", "t-chat-1");
        assertTrue(digest.startsWith("11 interactions, digest "), digest);
        assertEquals(digest, run("interaction-digest", "t-chat-1"));
        acd.say("t-chat-1", org.switchover.api.interaction.Transcript.Entry.text(9, "customer", "one more"));
        assertTrue(!digest.equals(run("interaction-digest", "t-chat-1")), "a changed transcript changes the digest");

        acd.accepting(false);
        assertEquals("no interactions", run("interaction-list"));
        assertEquals(81, events.size(), "discarding the live copy on leaving the primary role reports no release");
    }
}
