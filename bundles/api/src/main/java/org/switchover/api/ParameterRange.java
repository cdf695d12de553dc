package org.switchover.api;

import java.util.function.Consumer;

/**
 * Clamping of numeric parameters to their documented range. Out-of-range values are not refused: the nearest bound
 * is used and a warning naming the parameter, the bad value and the value used is handed to the caller's logger.
 */
public final class ParameterRange {
    private ParameterRange() {
    }

    /**
     * Clamps {@code value} into {@code [min, max]}.
     *
     * @param parameter documented parameter name, used in the warning
     * @param value the configured value
     * @param min smallest allowed value
     * @param max largest allowed value
     * @param warn receives one warning line when the value was clamped
     * @return the value to use
     */
    public static long clamp(String parameter, long value, long min, long max, Consumer<String> warn) {
        if (min > max) {
            throw new IllegalArgumentException("range of " + parameter + " is empty: " + min + ".." + max);
        }
        long used = Math.max(min, Math.min(max, value));
        if (used != value) {
            warn.accept(String.format("Parameter '%s' value %d is outside %d..%d; using %d",
                    parameter, value, min, max, used));
        }
        return used;
    }

    /** Same as {@link #clamp(String, long, long, long, Consumer)} for {@code int}. */
    public static int clamp(String parameter, int value, int min, int max, Consumer<String> warn) {
        return (int) clamp(parameter, (long) value, min, max, warn);
    }
}
