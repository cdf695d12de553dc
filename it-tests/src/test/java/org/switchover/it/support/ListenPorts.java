package org.switchover.it.support;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the nodes' listeners that no other process takes between the test's choice and the node's bind.
 *
 * <p>A port found by binding port 0 comes from the kernel's ephemeral range, the same range every outgoing
 * connection draws its local port from: between the test releasing it and the node binding it seconds later, a
 * concurrent build's connection could take it (a fault soak's fresh pair once dialled a port a concurrent test
 * process held and was answered in a foreign protocol). These ports are drawn at random below that range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}), checked free for TCP and UDP on every address, and never handed
 * out twice by one test JVM.
 */
public final class ListenPorts {

    private static final int LOW = 20_000;
    private static final int ATTEMPTS = 2_000;
    private static final Set<Integer> GIVEN = new HashSet<>();

    private ListenPorts() {
    }

    /** @return {@code n} distinct free ports */
    public static synchronized int[] free(int n) {
        int high = ephemeralLow();
        int[] ports = new int[n];
        int found = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ATTEMPTS && found < n; i++) {
            int port = LOW + random.nextInt(high - LOW);
            if (!GIVEN.contains(port) && bindable(port)) {
                GIVEN.add(port);
                ports[found++] = port;
            }
        }
        if (found < n) {
            throw new IllegalStateException("no " + n + " free ports between " + LOW + " and " + high + " after "
                    + ATTEMPTS + " attempts");
        }
        return ports;
    }

    private static boolean bindable(int port) {
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.setReuseAddress(false);
            tcp.bind(new InetSocketAddress(port));
            try (DatagramSocket udp = new DatagramSocket(port)) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the first port of the kernel's ephemeral range (32768 when it cannot be read) */
    static int ephemeralLow() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Math.max(LOW + 1_000, Integer.parseInt(range[0]));
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
