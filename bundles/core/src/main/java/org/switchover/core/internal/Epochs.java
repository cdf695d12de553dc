package org.switchover.core.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.switchover.api.NodeId;

/**
 * This node's epoch and the highest epoch seen from the peer (decisions E1, E2, E4). The epoch file holds only this
 * node's own terms; epochs learnt from the peer are kept in memory and re-learnt at the next negotiation. Touched
 * only on the machine's thread.
 */
final class Epochs {

    private final Journal journal;
    private EpochStore store;
    private long epoch;
    private long highestPeer;

    /**
     * Reads the persisted epoch at once, so that a peer asking before row 1 ran already sees it (both nodes starting
     * together compare epochs); a failure reads as 0 here and is reported by row 1.
     */
    Epochs(Journal journal, CoreSettings settings) {
        this.journal = journal;
        if (settings.node() != null) {
            try {
                epoch = new EpochStore(dir(settings.dataDir())).load();
            } catch (IOException | RuntimeException ex) {
                epoch = 0;
            }
        }
    }

    private static Path dir(Path dataDir) {
        return dataDir.resolve("core");
    }

    /** Row 1: opens the store under {@code dataDir} and reads the epoch. */
    void open(Path dataDir) throws IOException {
        store = new EpochStore(dir(dataDir));
        epoch = store.load();
    }

    /** @return this node's epoch. */
    long current() {
        return epoch;
    }

    /** @return the epoch a new primary takes: above its own and above every epoch it has seen. */
    long next() {
        return Math.max(epoch, highestPeer) + 1;
    }

    /**
     * Stores {@code next} durably before the role is taken (E1).
     *
     * @return false (audited) when it could not be stored; the epoch is then unchanged
     */
    boolean persist(long next) {
        try {
            if (store == null) {
                throw new IOException("no epoch store (the node has not started)");
            }
            store.store(next);
            epoch = next;
            return true;
        } catch (IOException | RuntimeException ex) {
            journal.auditError("Cannot store epoch {} in {}: {}", next, store == null ? "-" : store.file(),
                    String.valueOf(ex));
            return false;
        }
    }

    /** Remembers an epoch the peer reported (memory only, see above). */
    void notePeer(long peerEpoch) {
        highestPeer = Math.max(highestPeer, peerEpoch);
    }

    /** Row 28: the peer's epochs are learnt again at the next negotiation. */
    void forgetPeer() {
        highestPeer = 0;
    }

    /** @return true when a primary peer holding {@code peerEpoch} outranks this node (equal epochs: B yields, E4). */
    boolean peerWins(long peerEpoch, NodeId self) {
        return peerEpoch > epoch || (peerEpoch == epoch && self == NodeId.B);
    }
}
