package org.switchover.api.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.switchover.api.ParameterRange;

/**
 * Reads one configuration snapshot (the raw properties a component gets from ConfigAdmin) leniently. Values arrive
 * typed or as strings (a FileInstall {@code .cfg} carries only strings), and documented booleans are spelled
 * Yes/No/1/0. DS's own coercion of a bad value throws without naming the parameter, so components read the raw map
 * here instead: an absent key takes the default declared on the component's {@code @ObjectClassDefinition}
 * annotation, a malformed value is reported through the warning sink (naming the parameter, its key and the bad
 * value) and the previous value is kept, an out-of-range number is clamped with {@link ParameterRange#clamp}.
 * Not thread-safe; create one per snapshot.
 */
public final class ConfigReader {

    private final Class<? extends Annotation> ocd;
    private final Map<String, ?> props;
    private final Consumer<String> warn;

    /**
     * @param ocd the configuration annotation whose methods name the keys (DS naming rules) and carry the defaults
     * @param props the raw properties, may be null (all defaults)
     * @param warn receives one line per bad or clamped value
     */
    public ConfigReader(Class<? extends Annotation> ocd, Map<String, ?> props, Consumer<String> warn) {
        this.ocd = ocd;
        this.props = props == null ? Map.of() : props;
        this.warn = warn;
    }

    /**
     * The property key DS derives from an annotation method name: {@code $_$} → '-', {@code $$} → '$',
     * {@code _} → '.', a single {@code $} is dropped.
     */
    public static String key(String method) {
        return method.replace("$_$", "-").replace("$$", "\u0000").replace("_", ".").replace("$", "")
                .replace("\u0000", "$");
    }

    /** @return the default declared on the annotation for {@code method}. */
    public Object declaredDefault(String method) {
        try {
            Method m = ocd.getDeclaredMethod(method);
            return m.getDefaultValue();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("no attribute " + method + " on " + ocd.getName(), e);
        }
    }

    /** @return whether the snapshot sets the key of {@code method} at all. */
    public boolean isSet(String method) {
        return raw(key(method)) != null;
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
     * @param method the annotation method (gives key and default)
     * @param name documented parameter name, for warnings
     * @param previous value kept when the configured one is malformed
     * @param min smallest allowed value
     * @param max largest allowed value
     * @return the value to use
     */
    public long number(String method, String name, long previous, long min, long max) {
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
                warn.accept(String.format("Parameter '%s' (%s): '%s' is not a whole number; keeping %d",
                        name, key, v, previous));
                return previous;
            }
        }
        return ParameterRange.clamp(name, value, min, max, warn);
    }

    /** {@link #number} for {@code int}. */
    public int integer(String method, String name, int previous, int min, int max) {
        return (int) number(method, name, previous, min, max);
    }

    /**
     * A whole number whose documented name and range come from the component's {@code @AttributeDefinition}
     * ({@code name}, {@code min}, {@code max}; see {@link Metatype}), so the range is written in one place.
     *
     * @param method the annotation method (gives key, default, name and range)
     * @param previous value kept when the configured one is malformed
     * @return the value to use
     */
    public long number(String method, long previous) {
        Metatype.Attribute a = Metatype.attribute(ocd, method);
        return number(method, a.name(), previous, a.minOr(Long.MIN_VALUE), a.maxOr(Long.MAX_VALUE));
    }

    /** {@link #number(String, long)} for {@code int}. */
    public int integer(String method, int previous) {
        Metatype.Attribute a = Metatype.attribute(ocd, method);
        return (int) number(method, a.name(), previous, a.minOr(Integer.MIN_VALUE), a.maxOr(Integer.MAX_VALUE));
    }

    /** {@link #bool(String, String, boolean)} with the documented name from the metatype. */
    public boolean bool(String method, boolean previous) {
        return bool(method, Metatype.attribute(ocd, method).name(), previous);
    }

    /** A documented boolean: Yes/No, 1/0, true/false, on/off, case-insensitive. */
    public boolean bool(String method, String name, boolean previous) {
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
            warn.accept(String.format("Parameter '%s' (%s): '%s' is not Yes/No/1/0; keeping %s", name, key, v,
                    previous ? "Yes" : "No"));
            return previous;
        }
        return parsed;
    }

    /** @return TRUE, FALSE, or null when {@code text} is not a documented boolean spelling. */
    public static Boolean parseBool(String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "yes": case "1": case "true": case "on":
                return Boolean.TRUE;
            case "no": case "0": case "false": case "off":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    /**
     * Replaces every {@code ${name}} in {@code text} by {@code lookup.apply(name)}; a name the lookup does not know
     * stays as written, so an error about the resulting path names the variable.
     *
     * @param text a value such as {@code ${switchover.home}/data}
     * @param lookup framework or system properties
     * @return the expanded text
     */
    public static String expand(String text, Function<String, String> lookup) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            int end = start < 0 ? -1 : text.indexOf('}', start + 2);
            if (start < 0 || end < 0) {
                out.append(text, i, text.length());
                break;
            }
            out.append(text, i, start);
            String value = lookup.apply(text.substring(start + 2, end));
            out.append(value != null ? value : text.substring(start, end + 1));
            i = end + 1;
        }
        return out.toString();
    }

    /**
     * The node's data directory from the {@code data.dir} value of the node PID: blank means
     * {@code ${switchover.home}/data}; a variable the lookup does not know is replaced by the working directory with
     * a warning (a node started without {@code -Dswitchover.home}).
     *
     * @param text the configured value
     * @param lookup framework or system properties
     * @param warn receives the warning about an unknown variable
     * @return the absolute, normalised directory
     */
    public static Path dataDir(String text, Function<String, String> lookup, Consumer<String> warn) {
        String t = text == null || text.isBlank() ? "${switchover.home}/data" : text.trim();
        return Paths.get(expand(t, name -> {
            String v = lookup.apply(name);
            if (v == null) {
                warn.accept("Property '" + name + "' used in data.dir '" + t + "' is not set; using the working"
                        + " directory");
                return ".";
            }
            return v;
        })).toAbsolutePath().normalize();
    }

    /**
     * The lookup most components use: a system property, else the environment variable of the same name in upper
     * case with '_' for '.' ({@code switchover.home} → {@code SWITCHOVER_HOME}).
     *
     * @param name the variable
     * @return its value, or null when neither is set
     */
    public static String systemValue(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name.toUpperCase(Locale.ROOT).replace('.', '_'));
    }

    /** A text value, trimmed; the declared default when absent. */
    public String text(String method) {
        Object v = raw(key(method));
        if (v == null) {
            v = declaredDefault(method);
        }
        return v.toString().trim();
    }
}
