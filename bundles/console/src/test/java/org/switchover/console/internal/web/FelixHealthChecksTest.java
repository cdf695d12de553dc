package org.switchover.console.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;

import org.apache.felix.hc.api.Result;
import org.junit.jupiter.api.Test;
import org.switchover.api.SwitchoverState;
import org.switchover.api.status.NodeStatus;

/** The Felix Health Check form of the three checks: the verdict and the line of the health URL. */
class FelixHealthChecksTest {

    private static void agree(Function<NodeStatus, HealthChecks.Result> check, NodeStatus s) {
        HealthChecks.Result url = check.apply(s);
        Result hc = FelixHealthChecks.execute(check, () -> s);
        assertEquals(url.ok() ? Result.Status.OK : Result.Status.CRITICAL, hc.getStatus(), url.text());
        assertEquals(url.text(), hc.iterator().next().getMessage());
    }

    @Test
    void eachCheckAnswersWhatItsUrlAnswers() {
        for (SwitchoverState st : SwitchoverState.values()) {
            NodeStatus s = WebFixtures.status(st);
            agree(HealthChecks::primary, s);
            agree(x -> HealthChecks.backup(x, -1), s);
            agree(HealthChecks::live, s);
        }
    }

    @Test
    void aStatusThatCannotBeReadIsAHealthCheckErrorNotAPass() {
        Result hc = FelixHealthChecks.execute(HealthChecks::live, () -> {
            throw new IllegalStateException("core stopped");
        });
        assertEquals(Result.Status.HEALTH_CHECK_ERROR, hc.getStatus());
    }
}
