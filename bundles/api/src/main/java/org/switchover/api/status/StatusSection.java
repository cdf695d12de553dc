package org.switchover.api.status;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A named block of figures a bundle adds to its node's status (the tracker's {@code tracker}), rendered as one
 * object of the status JSON and one line of {@code switchover:status}. Immutable.
 *
 * @param name the block's name, the key of its object in the status JSON (lower camel case, not one of the status's
 *     own keys)
 * @param figures the figures in the order shown; each value a String, a Number, a Boolean or null
 */
public record StatusSection(String name, Map<String, Object> figures) {

    public StatusSection {
        Objects.requireNonNull(name, "name");
        Map<String, Object> copy = new LinkedHashMap<>();
        figures.forEach((k, v) -> {
            if (v != null && !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw new IllegalArgumentException("status section " + name + ": figure " + k + " is a "
                        + v.getClass().getSimpleName() + ", not a text, number or boolean");
            }
            copy.put(Objects.requireNonNull(k, "figure name"), v);
        });
        figures = Collections.unmodifiableMap(copy);
    }
}
