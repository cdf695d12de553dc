package org.switchover.api.warning;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A condition that makes a manual switch risky right now, such as the backup's File Monitor health check finding
 * that file replication from the primary has stopped (spec section 8). Components register one service of this type
 * for as long as they run and answer empty while all is well; the core collects every registered service.
 *
 * <p>While any of them answers a warning, the core
 * <ul>
 * <li>shows it in the status ({@code switchover:status}, {@code switchoverctl status}, and the {@code warnings}
 * array of the status JSON);</li>
 * <li>refuses a manual switch on this node unless the requester accepted the warnings (the shell and
 * {@code switchoverctl} print them and ask again; {@code --yes} alone is not acceptance);</li>
 * <li>writes the warnings into the audit line of a switch that happens despite them.</li>
 * </ul>
 * Warnings are local to the node that raises them: the mirror raises its warning on the backup, which is the node
 * that carries out a manual switch.
 *
 * <p>Called from any thread, often while a status is being rendered: answer at once from state already known,
 * never block or ask the network.
 */
@ConsumerType
public interface SwitchWarning {

    /**
     * The question every view asks after showing the warnings, before a switch despite them (the shell,
     * {@code switchoverctl} and the control endpoint's refusal all use this sentence). It names no subsystem: the
     * warnings before it say what is behind (files, interactions, ...).
     */
    String QUESTION = "Recent changes on the primary (what the warnings name) may be missing on this node.";

    /** @return one sentence for the operator while the condition holds (without trailing period), empty otherwise */
    Optional<String> warning();
}
