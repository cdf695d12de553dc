package org.switchover.monitor.primary.internal;

import java.util.List;

/** The backup's default gateway addresses. The real one is {@link ProcNetRoute}; tests inject their own. */
@FunctionalInterface
public interface GatewaySource {

    /** @return gateway addresses, without unspecified and loopback ones; empty when there are none */
    List<String> gateways();
}
