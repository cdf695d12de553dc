package org.switchover.monitor.primary.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gateways from the Linux IPv4 routing table ({@code /proc/net/route}): every route flagged as going through a
 * gateway, in table order, without 0.0.0.0 and loopback addresses, each address once. Where the file does not
 * exist (not Linux) there are no gateways and the gateway check is skipped.
 */
final class ProcNetRoute implements GatewaySource {

    private static final Logger LOG = LoggerFactory.getLogger(ProcNetRoute.class);
    /** RTF_GATEWAY in the route's flags. */
    private static final int GATEWAY_FLAG = 0x2;

    private final Path file;

    ProcNetRoute(Path file) {
        this.file = file;
    }

    ProcNetRoute() {
        this(Path.of("/proc/net/route"));
    }

    @Override
    public List<String> gateways() {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            LOG.debug("No routing table at {}: no gateways", file);
            return List.of();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read the routing table {}: {}; gateway check skipped", file, e.toString());
            return List.of();
        }
    }

    /** Parses the table's text; malformed lines are skipped with a warning. */
    static List<String> parse(List<String> lines) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] cols = line.split("\\s+");
            try {
                if (cols.length < 4) {
                    throw new IllegalArgumentException("too few columns");
                }
                int flags = Integer.parseInt(cols[3], 16);
                if ((flags & GATEWAY_FLAG) == 0) {
                    continue;
                }
                String gw = littleEndianHexToDotted(cols[2]);
                if (!gw.equals("0.0.0.0") && !gw.startsWith("127.")) {
                    out.add(gw);
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("Skipping malformed routing-table line {}: '{}' ({})", i + 1, line, e.getMessage());
            }
        }
        return new ArrayList<>(out);
    }

    /** {@code 0101A8C0} (as the kernel prints it on little-endian machines) to {@code 192.168.1.1}. */
    static String littleEndianHexToDotted(String hex) {
        if (hex.length() != 8) {
            throw new IllegalArgumentException("gateway '" + hex + "' is not 8 hex digits");
        }
        long v = Long.parseLong(hex, 16);
        return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }
}
