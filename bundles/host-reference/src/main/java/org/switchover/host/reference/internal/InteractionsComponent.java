package org.switchover.host.reference.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeIdentity;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.RecoveryProtocol;
import org.switchover.support.RoleBinding;

/**
 * The reference host's interactions: runs the {@link AcdSimulation} and registers its six
 * {@link InteractionSource}s, one per channel, with {@link RecoveryProtocol#CHANNEL_PROPERTY}. The host takes work
 * only while the core's primary condition is registered; when it goes, the live copy is discarded (it lives on as
 * the new primary's shadows). The sources are registered by hand (six of one type), so the bundle declares the
 * service capability the channel bundles require.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\""
        + "org.switchover.api.interaction.InteractionSource\"")
@Component(name = "org.switchover.host.reference.interactions", service = InteractionsComponent.class,
        immediate = true)
public final class InteractionsComponent {

    private static final Logger LOG = LoggerFactory.getLogger(InteractionsComponent.class);

    private final AcdSimulation acd;
    private final List<ServiceRegistration<InteractionSource>> registrations = new ArrayList<>();
    // told on the thread that registers the condition (a direct executor): accepting is a volatile flag
    private final RoleBinding roles;

    @Activate
    public InteractionsComponent(BundleContext context, @Reference NodeIdentity identity) {
        AcdSimulation sim = new AcdSimulation(identity.node().name(), System.currentTimeMillis());
        for (Channel c : Channel.values()) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(RecoveryProtocol.CHANNEL_PROPERTY, c.key());
            registrations.add(context.registerService(InteractionSource.class, sim.source(c), props));
        }
        this.acd = sim;
        this.roles = new RoleBinding(Runnable::run, this::roleChanged);
        roles.track(context);
    }

    private void roleChanged(RoleBinding.Role role) {
        boolean primary = role == RoleBinding.Role.PRIMARY;
        int discarded = acd.accepting(primary).size();
        // once accepting(false) returned the host makes no further change (see AcdSimulation): this line marks the
        // moment it stopped taking work
        LOG.info(primary ? "Reference host: primary, taking interactions" : "Reference host: not primary, stopped"
                + " taking work; {} live interactions discarded (the new primary holds their shadows)", discarded);
    }

    AcdSimulation acd() {
        return acd;
    }

    @Deactivate
    void deactivate() {
        roles.close();
        for (ServiceRegistration<InteractionSource> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // gone with the bundle
            }
        }
    }
}
