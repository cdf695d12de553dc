package org.switchover.notifier.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.switchover.api.notifier.RequestHandler;

/**
 * Whiteboard request handlers by event id. When several handlers claim one event id the one with the highest
 * service ranking wins, then the oldest (lowest service id). Thread-safe; lookups read an immutable snapshot.
 */
public final class HandlerRegistry {

    private record Entry(long serviceId, int ranking, List<String> eventIds, RequestHandler handler) {
    }

    private static final Comparator<Entry> ORDER = Comparator.comparingInt(Entry::ranking).reversed()
            .thenComparingLong(Entry::serviceId);

    private final List<Entry> entries = new ArrayList<>();
    private volatile Map<String, RequestHandler> byEventId = Map.of();

    /** Adds or replaces the handler registered under {@code serviceId}. */
    public synchronized void put(long serviceId, int ranking, Collection<String> eventIds, RequestHandler handler) {
        entries.removeIf(e -> e.serviceId == serviceId);
        entries.add(new Entry(serviceId, ranking, List.copyOf(eventIds), handler));
        rebuild();
    }

    /** Removes the handler registered under {@code serviceId}. */
    public synchronized void remove(long serviceId) {
        entries.removeIf(e -> e.serviceId == serviceId);
        rebuild();
    }

    /** @return the handler for {@code eventId}, or null. */
    public RequestHandler lookup(String eventId) {
        return byEventId.get(eventId);
    }

    /**
     * Reads the {@link RequestHandler#EVENT_ID} property: a String, String[] or collection of strings.
     *
     * @return the event ids, empty when the property is missing or of another type
     */
    public static List<String> eventIds(Object property) {
        List<String> out = new ArrayList<>();
        if (property instanceof String s) {
            out.add(s);
        } else if (property instanceof String[] a) {
            out.addAll(List.of(a));
        } else if (property instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    private void rebuild() {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(ORDER);
        Map<String, RequestHandler> m = new java.util.HashMap<>();
        for (Entry e : sorted) {
            for (String id : e.eventIds) {
                m.putIfAbsent(id, e.handler);
            }
        }
        byEventId = Map.copyOf(m);
    }
}
