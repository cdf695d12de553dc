package org.switchover.api.config;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The attribute definitions bnd generated from a component's {@code @ObjectClassDefinition} (the
 * {@code OSGI-INF/metatype/*.xml} of its bundle, or of {@code target/classes} in a unit test). The metatype
 * annotations are not kept at run time, so this is how a range written once in {@code @AttributeDefinition(min, max)}
 * and the documented parameter name in its {@code name} reach {@link ConfigReader}. The definitions of a
 * configuration type are found by matching the attribute ids with the type's methods; read once per type.
 */
public final class Metatype {

    /**
     * One attribute definition.
     *
     * @param key the property key
     * @param name the documented parameter name (the {@code name} of the attribute)
     * @param min the smallest allowed value, null when unbounded
     * @param max the largest allowed value, null when unbounded
     */
    public record Attribute(String key, String name, Long min, Long max) {
        /** @return the smallest allowed value, {@link Long#MIN_VALUE} when unbounded */
        public long minOr(long unbounded) {
            return min == null ? unbounded : min;
        }

        /** @return the largest allowed value, {@link Long#MAX_VALUE} when unbounded */
        public long maxOr(long unbounded) {
            return max == null ? unbounded : max;
        }
    }

    private static final String DIR = "OSGI-INF/metatype";
    private static final Map<Class<?>, Map<String, Attribute>> CACHE = new ConcurrentHashMap<>();

    private Metatype() {
    }

    /**
     * @param ocd a configuration annotation type carrying {@code @ObjectClassDefinition}
     * @return its attributes by property key
     * @throws IllegalStateException when no generated metatype matches the type (a build without bnd)
     */
    public static Map<String, Attribute> of(Class<? extends Annotation> ocd) {
        return CACHE.computeIfAbsent(ocd, Metatype::load);
    }

    /** @return the attribute of {@code method} of {@code ocd} */
    public static Attribute attribute(Class<? extends Annotation> ocd, String method) {
        Attribute a = of(ocd).get(ConfigReader.key(method));
        if (a == null) {
            throw new IllegalArgumentException("no attribute " + method + " in the metatype of " + ocd.getName());
        }
        return a;
    }

    private static Map<String, Attribute> load(Class<?> ocd) {
        Set<String> keys = new HashSet<>();
        for (Method m : ocd.getDeclaredMethods()) {
            keys.add(ConfigReader.key(m.getName()));
        }
        List<String> seen = new ArrayList<>();
        for (URL url : candidates(ocd)) {
            seen.add(url.toString());
            for (Map<String, Attribute> defs : parse(url)) {
                if (defs.keySet().equals(keys)) {
                    return Collections.unmodifiableMap(defs);
                }
            }
        }
        throw new IllegalStateException("no generated metatype matches " + ocd.getName() + " (keys " + keys
                + "; looked at " + seen + ")");
    }

    private static List<URL> candidates(Class<?> ocd) {
        List<URL> urls = new ArrayList<>();
        Bundle bundle = osgiBundle(ocd);
        if (bundle != null) {
            Enumeration<URL> e = bundle.findEntries(DIR, "*.xml", false);
            if (e != null) {
                urls.addAll(Collections.list(e));
            }
            return urls;
        }
        try {
            URL self = ocd.getProtectionDomain().getCodeSource().getLocation();
            Path root = Paths.get(self.toURI());
            if (Files.isDirectory(root)) {
                Path dir = root.resolve(DIR);
                if (Files.isDirectory(dir)) {
                    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.xml")) {
                        for (Path p : files) {
                            urls.add(p.toUri().toURL());
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(root.toFile())) {
                    for (JarEntry entry : Collections.list(jar.entries())) {
                        if (entry.getName().startsWith(DIR + "/") && entry.getName().endsWith(".xml")) {
                            urls.add(new URL("jar:" + self + "!/" + entry.getName()));
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot list the metatype of " + ocd.getName() + ": " + e, e);
        }
        return urls;
    }

    private static Bundle osgiBundle(Class<?> type) {
        try {
            return FrameworkUtil.getBundle(type);
        } catch (NoClassDefFoundError e) {
            return null; // no OSGi framework API on the class path: a plain unit test
        }
    }

    private static List<Map<String, Attribute>> parse(URL url) {
        try (InputStream in = open(url)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder b = f.newDocumentBuilder();
            Document doc = b.parse(in);
            List<Map<String, Attribute>> result = new ArrayList<>();
            NodeList ocds = doc.getElementsByTagNameNS("*", "OCD");
            if (ocds.getLength() == 0) {
                ocds = doc.getElementsByTagName("OCD");
            }
            for (int i = 0; i < ocds.getLength(); i++) {
                Element ocd = (Element) ocds.item(i);
                Map<String, Attribute> defs = new HashMap<>();
                NodeList ads = ocd.getElementsByTagName("AD");
                for (int j = 0; j < ads.getLength(); j++) {
                    Element ad = (Element) ads.item(j);
                    String id = ad.getAttribute("id");
                    defs.put(id, new Attribute(id, ad.getAttribute("name"), bound(ad.getAttribute("min")),
                            bound(ad.getAttribute("max"))));
                }
                result.add(defs);
            }
            return result;
        } catch (IOException | ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot read metatype " + url + ": " + e, e);
        }
    }

    private static InputStream open(URL url) throws IOException {
        var c = url.openConnection();
        if (c instanceof JarURLConnection j) {
            j.setUseCaches(false);
        }
        return c.getInputStream();
    }

    private static Long bound(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return Long.valueOf(text.trim());
    }
}
