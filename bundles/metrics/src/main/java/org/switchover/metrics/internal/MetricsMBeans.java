package org.switchover.metrics.internal;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.prometheus.client.Collector.MetricFamilySamples;

/**
 * The same families as JMX MBeans on the platform MBean server: {@code org.switchover:type=Pair},
 * {@code org.switchover:type=Replication} and {@code org.switchover:type=Kpi}. Each sample is one read-only Double
 * attribute named like its Prometheus line ({@code name{label="value"}}); the attributes follow the families at each
 * read, so a KPI family switched off disappears from JMX too.
 */
@Component(service = {})
public class MetricsMBeans {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsMBeans.class);
    static final String DOMAIN = "org.switchover";

    @Reference
    private MetricsSource source;

    private final List<ObjectName> registered = new ArrayList<>();

    @Activate
    void activate() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (String group : List.of("Pair", "Replication", "Kpi")) {
            try {
                ObjectName name = new ObjectName(DOMAIN + ":type=" + group);
                server.registerMBean(new Group(group), name);
                registered.add(name);
            } catch (JMException e) {
                LOG.warn("JMX: cannot register {}:type={}: {}", DOMAIN, group, e.toString());
            }
        }
    }

    @Deactivate
    void deactivate() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName n : registered) {
            try {
                server.unregisterMBean(n);
            } catch (JMException e) {
                LOG.debug("JMX: {} already gone: {}", n, e.toString());
            }
        }
        registered.clear();
    }

    /** @return the group a family belongs to: Kpi, Replication or Pair */
    static String group(String family) {
        if (family.startsWith(MetricFamilies.KPI)) {
            return "Kpi";
        }
        if (family.startsWith(MetricFamilies.REPLICATION) || family.startsWith(MetricFamilies.PREFIX + "recovery_")) {
            return "Replication";
        }
        return "Pair";
    }

    /** @return the samples of {@code group}, attribute name to value, in the families' order */
    static Map<String, Double> attributes(List<MetricFamilySamples> families, String group) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (MetricFamilySamples f : families) {
            if (!group(f.name).equals(group)) {
                continue;
            }
            for (MetricFamilySamples.Sample s : f.samples) {
                StringBuilder b = new StringBuilder(s.name);
                if (!s.labelNames.isEmpty()) {
                    b.append('{');
                    for (int i = 0; i < s.labelNames.size(); i++) {
                        b.append(i == 0 ? "" : ",").append(s.labelNames.get(i)).append("=\"")
                                .append(s.labelValues.get(i)).append('"');
                    }
                    b.append('}');
                }
                out.put(b.toString(), s.value);
            }
        }
        return out;
    }

    private final class Group implements DynamicMBean {
        private final String group;

        Group(String group) {
            this.group = group;
        }

        private Map<String, Double> now() {
            return attributes(source.collect(), group);
        }

        @Override
        public Object getAttribute(String attribute) throws AttributeNotFoundException {
            Double v = now().get(attribute);
            if (v == null) {
                throw new AttributeNotFoundException("no metric " + attribute + " in " + DOMAIN + ":type=" + group);
            }
            return v;
        }

        @Override
        public AttributeList getAttributes(String[] attributes) {
            Map<String, Double> now = now();
            AttributeList out = new AttributeList();
            for (String a : attributes) {
                if (now.containsKey(a)) {
                    out.add(new Attribute(a, now.get(a)));
                }
            }
            return out;
        }

        @Override
        public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
            throw new AttributeNotFoundException("metrics are read-only: " + attribute.getName());
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            return new AttributeList();
        }

        @Override
        public Object invoke(String actionName, Object[] params, String[] signature) {
            throw new UnsupportedOperationException("no operations on " + DOMAIN + ":type=" + group);
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            List<MBeanAttributeInfo> attrs = new ArrayList<>();
            for (String a : now().keySet()) {
                attrs.add(new MBeanAttributeInfo(a, Double.class.getName(), a, true, false, false));
            }
            return new MBeanInfo(Group.class.getName(), "Switchover " + group + " metrics",
                    attrs.toArray(new MBeanAttributeInfo[0]), null, null, null);
        }
    }
}
