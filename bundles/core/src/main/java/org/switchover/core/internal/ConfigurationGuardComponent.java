package org.switchover.core.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.time.SystemScheduler;

/**
 * Runs the {@link ConfigurationGuard} on the directory Felix FileInstall watches ({@code felix.fileinstall.dir}),
 * needing no configuration of its own - it exists for the node whose configuration did not arrive. Without that
 * framework property (FileInstall not used) it does nothing and says so once.
 */
@Component(service = {}, immediate = true)
public final class ConfigurationGuardComponent {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationGuardComponent.class);
    static final String PREFIX = "org.switchover.";
    private static final String FILENAME = "felix.fileinstall.filename";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]+)}");

    private final ConfigurationAdmin configAdmin;
    private SystemScheduler thread;
    private ConfigurationGuard guard;

    @Activate
    public ConfigurationGuardComponent(@Reference ConfigurationAdmin configAdmin, BundleContext context) {
        this.configAdmin = configAdmin;
        String dir = substitute(context.getProperty("felix.fileinstall.dir"), context::getProperty);
        if (dir == null || dir.isBlank()) {
            LOG.info("Configuration guard: no felix.fileinstall.dir, nothing to compare with ConfigAdmin");
            return;
        }
        String filter = context.getProperty("felix.fileinstall.filter");
        Pattern accepted = filter == null || filter.isBlank() ? null : Pattern.compile(filter);
        Path directory = Paths.get(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            LOG.warn("Configuration guard: felix.fileinstall.dir {} is not a directory; nothing to compare with"
                    + " ConfigAdmin", directory);
        }
        thread = new SystemScheduler("switchover-configuration-guard");
        guard = new ConfigurationGuard(thread, new ConfigurationGuard.Sources() {
            @Override
            public List<String> files() throws IOException {
                return productFiles(directory, accepted);
            }

            @Override
            public Set<String> applied() throws Exception {
                return appliedFiles();
            }

            @Override
            public void touch(String file) throws IOException {
                Files.setLastModifiedTime(directory.resolve(file), FileTime.fromMillis(System.currentTimeMillis()));
            }
        }, directory.toString());
        guard.start();
    }

    /**
     * Replaces each {@code ${name}} in {@code value} with the framework property of that name, as FileInstall does
     * with its own settings (the runtime gives {@code felix.fileinstall.dir} as {@code ${switchover.home}/etc}); an
     * unknown name is left as it is.
     */
    static String substitute(String value, UnaryOperator<String> properties) {
        if (value == null) {
            return null;
        }
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = properties.apply(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** @return the names of the product's configuration files FileInstall reads in {@code directory} */
    static List<String> productFiles(Path directory, Pattern accepted) throws IOException {
        List<String> names = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return names;
        }
        try (Stream<Path> files = Files.list(directory)) {
            files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(PREFIX) && (n.endsWith(".cfg") || n.endsWith(".config")))
                    .filter(n -> accepted == null || accepted.matcher(n).matches())
                    .forEach(names::add);
        }
        return names;
    }

    private Set<String> appliedFiles() throws Exception {
        Set<String> names = new HashSet<>();
        Configuration[] all = configAdmin.listConfigurations("(" + FILENAME + "=*)");
        if (all != null) {
            for (Configuration c : all) {
                String name = fileName(c.getProperties() == null ? null : c.getProperties().get(FILENAME));
                if (name != null) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** @return the last segment of FileInstall's file URI (or plain path), or null */
    static String fileName(Object value) {
        if (!(value instanceof String) || ((String) value).isBlank()) {
            return null;
        }
        String v = (String) value;
        try {
            String path = v.startsWith("file:") ? URI.create(v).getPath() : v;
            return path == null ? null : Paths.get(path).getFileName().toString();
        } catch (RuntimeException e) {
            int slash = v.lastIndexOf('/');
            return slash >= 0 ? v.substring(slash + 1) : v;
        }
    }

    @Deactivate
    void deactivate() {
        if (guard != null) {
            guard.close();
            thread.shutdown();
        }
    }
}
