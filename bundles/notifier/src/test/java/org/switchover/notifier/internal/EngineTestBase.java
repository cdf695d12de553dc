package org.switchover.notifier.internal;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** Base of the tests that run engines on loopback: certificates made once, every started node closed after a test. */
abstract class EngineTestBase {

    /** The nodes a test started; all closed after it. */
    protected final List<TestNode> nodes = new ArrayList<>();

    @BeforeAll
    static void certificates() {
        TestCerts.dir();
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(TestNode::close);
    }

    /** Registers {@code n} for closing and returns it. */
    protected TestNode track(TestNode n) {
        nodes.add(n);
        return n;
    }
}
