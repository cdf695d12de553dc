package org.switchover.monitor.primary.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.switchover.api.ParameterRange;

/**
 * Reads one configuration snapshot leniently. Values arrive from ConfigAdmin as typed objects or as strings
 * (FileInstall {@code .cfg} files carry only strings), and documented booleans are spelled Yes/No/1/0. Typed
 * component-property coercion cannot report a bad value and keep the old one, so the raw map is parsed here:
 * an absent key takes the default declared on the {@code Config} annotation, a malformed value is reported at
 * WARN and the previous value is kept, an out-of-range number is clamped with {@link ParameterRange#clamp}.
 */
final class Params {

    private final Class<? extends Annotation> ocd;
    private final Map<String, ?> props;
    private final Logger log;

    Params(Class<? extends Annotation> ocd, Map<String, ?> props, Logger log) {
        this.ocd = ocd;
        this.props = props == null ? Map.of() : props;
        this.log = log;
    }

    /** DS rule from method name to property key: {@code $_$} to '-', {@code $$} to '$', '_' to '.'. */
    static String key(String method) {
        return method.replace("$_$", "-").replace("$$", "\u0000").replace("_", ".").replace("$", "")
                .replace("\u0000", "$");
    }

    /** The default declared on the Config annotation for {@code method}. */
    Object declaredDefault(String method) {
        try {
            Method m = ocd.getDeclaredMethod(method);
            return m.getDefaultValue();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("no attribute " + method + " on " + ocd.getName(), e);
        }
    }

    private Object raw(String key) {
        Object v = props.get(key);
        if (v instanceof String[] arr) {
            return arr.length == 0 ? null : arr[0];
        }
        return v;
    }

    /**
     * A whole number of the documented parameter {@code name}.
     *
     * @param previous value kept when the configured one is malformed
     */
    long number(String method, String name, long previous, long min, long max) {
        String key = key(method);
        Object v = raw(key);
        long value;
        if (v == null) {
            value = ((Number) declaredDefault(method)).longValue();
        } else if (v instanceof Number n) {
            value = n.longValue();
        } else {
            String s = v.toString().trim();
            try {
                value = Long.parseLong(s);
            } catch (NumberFormatException e) {
                log.warn("Parameter '{}' ({}): '{}' is not a whole number; keeping {}", name, key, v, previous);
                return previous;
            }
        }
        return ParameterRange.clamp(name, value, min, max, log::warn);
    }

    int integer(String method, String name, int previous, int min, int max) {
        return (int) number(method, name, previous, min, max);
    }

    /** A documented boolean: Yes/No, 1/0, true/false, case-insensitive. */
    boolean bool(String method, String name, boolean previous) {
        String key = key(method);
        Object v = raw(key);
        if (v == null) {
            v = declaredDefault(method);
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            long l = n.longValue();
            if (l == 0 || l == 1) {
                return l == 1;
            }
        }
        Boolean parsed = parseBool(v.toString());
        if (parsed == null) {
            log.warn("Parameter '{}' ({}): '{}' is not Yes/No/1/0; keeping {}", name, key, v, previous ? "Yes" : "No");
            return previous;
        }
        return parsed;
    }

    static Boolean parseBool(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "yes": case "1": case "true": case "on":
                return Boolean.TRUE;
            case "no": case "0": case "false": case "off":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    /** A text value, trimmed; the declared default when absent. */
    String text(String method) {
        Object v = raw(key(method));
        if (v == null) {
            v = declaredDefault(method);
        }
        return v.toString().trim();
    }
}
