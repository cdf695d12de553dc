package org.switchover.monitor.primary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcNetRouteTest {

    private static final String HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT";

    @Test
    void gatewayRoutesAreReadInOrderWithoutUnspecifiedLoopbackOrDuplicates() {
        List<String> lines = List.of(HEADER,
                "eth0\t00000000\t0170A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                "eth0\t0070A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
                "eth1\t00000000\t010011AC\t0003\t0\t0\t100\t00000000\t0\t0\t0",
                "eth1\t0000000A\t010011AC\t0003\t0\t0\t100\t000000FF\t0\t0\t0",
                "lo\t00000000\t0100007F\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                "eth2\t00000000\t00000000\t0003\t0\t0\t0\t00000000\t0\t0\t0",
                "garbage line",
                "eth3\t00000000\tZZZZZZZZ\t0003\t0\t0\t0\t00000000\t0\t0\t0");
        assertEquals(List.of("192.168.112.1", "172.17.0.1"), ProcNetRoute.parse(lines));
    }

    @Test
    void missingOrEmptyTableMeansNoGateways(@TempDir Path dir) throws IOException {
        assertEquals(List.of(), new ProcNetRoute(dir.resolve("absent")).gateways());
        Path empty = Files.writeString(dir.resolve("route"), HEADER + "\n");
        assertEquals(List.of(), new ProcNetRoute(empty).gateways());
    }

    @Test
    void theRealTableOfThisMachineCanBeRead() {
        // Whatever the machine, reading never fails and never yields loopback or 0.0.0.0.
        List<String> gws = new ProcNetRoute().gateways();
        gws.forEach(g -> assertFalse(g.startsWith("127.") || g.equals("0.0.0.0"), g));
    }
}
