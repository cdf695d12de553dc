package org.switchover.monitor.primary.internal;

import java.util.List;

/**
 * The result of one network check (spec section 5.5.2): the statuses in the order they were found, what they say
 * about this node's own network, and whether the primary's machine answered.
 *
 * @param statuses e.g. {@code GatewayReached, NetTestUnavailable, PrimaryReached}
 * @param local this node's own network as the gateway and NetTest checks show it
 * @param primaryReachable the primary's machine answered the echo
 * @param primaryAddress the address that was echoed
 */
record NetworkCheck(List<String> statuses, Local local, boolean primaryReachable, String primaryAddress) {

    /** Status vocabulary of the network checks, as operators know it from the logs. */
    static final String GATEWAY_REACHED = "GatewayReached";
    static final String GATEWAY_UNREACHABLE = "GatewayUnreachable";
    static final String NETTEST_REACHED = "NetTestReached";
    static final String NETTEST_UNREACHABLE = "NetTestUnreachable";
    static final String NETTEST_UNAVAILABLE = "NetTestUnavailable";
    static final String PRIMARY_REACHED = "PrimaryReached";
    static final String PRIMARY_UNREACHABLE = "PrimaryUnreachable";

    /** Local network evidence from the gateway and NetTest checks. */
    enum Local { GOOD, BAD, UNKNOWN }

    /**
     * @param statuses the statuses found so far
     * @return BAD when a gateway or NetTest check failed, GOOD when one reached something and none failed, UNKNOWN
     *     when neither ran
     */
    static Local local(List<String> statuses) {
        if (statuses.contains(GATEWAY_UNREACHABLE) || statuses.contains(NETTEST_UNREACHABLE)) {
            return Local.BAD;
        }
        return statuses.contains(GATEWAY_REACHED) || statuses.contains(NETTEST_REACHED) ? Local.GOOD
                : Local.UNKNOWN;
    }

    /** @return the statuses joined for logs and status lines */
    String describe() {
        return String.join(", ", statuses);
    }
}
