package org.switchover.it.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node's {@code /switchover/metrics} as a Prometheus server scrapes it (curl over HTTPS), read back into samples: the
 * text format 0.0.4, one sample per line ({@code name{labels} value}), {@code # TYPE name kind} per family.
 */
public final class Metrics {
    private Metrics() {
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    /**
     * One scrape.
     *
     * @param text the body as served
     * @param samples every sample, keyed by its name and labels as written
     */
    public record Scrape(String text, Map<String, Double> samples) {

        /** @return whether the family {@code name} is declared (a {@code # TYPE} line), even without samples */
        public boolean hasFamily(String name) {
            return text.contains("\n# TYPE " + name + " ") || text.startsWith("# TYPE " + name + " ");
        }

        /** @return the sum of every sample whose name is exactly {@code name} (0 when none) */
        public double sum(String name) {
            double s = 0;
            for (Map.Entry<String, Double> e : samples.entrySet()) {
                String k = e.getKey();
                int brace = k.indexOf('{');
                if ((brace < 0 ? k : k.substring(0, brace)).equals(name)) {
                    s += e.getValue();
                }
            }
            return s;
        }

        /** @return the value of the sample {@code key} ({@code name{labels}} as written), or NaN when absent */
        public double value(String key) {
            return samples.getOrDefault(key, Double.NaN);
        }
    }

    /**
     * Scrapes {@code url} with GET.
     *
     * @throws AssertionError when the answer is not 200 in the text format, or a line is neither a comment nor a
     *     sample
     */
    public static Scrape scrape(String url) {
        Console.Reply r = Console.curl(url);
        if (r.code() != 200) {
            throw new AssertionError("scrape of " + url + " answered " + r.code() + ": " + r.body());
        }
        if (!r.headers().toLowerCase(java.util.Locale.ROOT).contains("content-type: text/plain; version=0.0.4")) {
            throw new AssertionError("not the Prometheus text format: " + r.headers());
        }
        return parse(r.body());
    }

    /** @return the samples of a body in the text format */
    public static Scrape parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a sample line: " + line);
            }
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return new Scrape(text, samples);
    }
}
