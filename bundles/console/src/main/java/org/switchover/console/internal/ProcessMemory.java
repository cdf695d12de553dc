package org.switchover.console.internal;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node process's memory as the status request reports it, so an operator (or a system test) can see whether a
 * burst of hostile connections left memory behind without attaching JMX or jcmd. Read from the platform MXBeans in
 * the process itself; cheap, never blocks, triggers no collection.
 */
final class ProcessMemory {

    private ProcessMemory() {
    }

    /**
     * @return bytes: {@code heapUsed} now, {@code heapAfterLastGc} (heap in use right after the latest collection of
     *     each heap pool; 0 before the first), {@code heapMax}, {@code directUsed} and {@code directBuffers} (NIO
     *     direct buffers, which is where the notifier's network buffers live), and {@code gcCount}, the collections
     *     so far
     */
    static Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            afterGc += u == null ? 0 : u.getUsed();
        }
        out.put("heapUsed", heap.getUsed());
        out.put("heapAfterLastGc", afterGc);
        out.put("heapMax", heap.getMax());
        long direct = 0;
        long buffers = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                direct = pool.getMemoryUsed();
                buffers = pool.getCount();
            }
        }
        out.put("directUsed", direct);
        out.put("directBuffers", buffers);
        long collections = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, gc.getCollectionCount());
        }
        out.put("gcCount", collections);
        return out;
    }
}
