package org.switchover.support.recovery;

import java.lang.annotation.Annotation;
import java.util.Map;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.RecoveryChannel;

/**
 * Everything a channel bundle's component shares, DS wiring included (a channel bundle builds with
 * {@code -dsannotations-options: inherit}, so the annotations here count for its component): the host's source of
 * the channel (reference {@value #SOURCE}; the component sets its target with the property
 * {@code source.target}), the enabling parameter read leniently in one place on activation and on every
 * modification, the shadow filter (all interactions) and the promotion rule (by state, whole transcript). A channel
 * component is registered as {@link RecoveryChannel} with {@code configurationPolicy = REQUIRE} on its own PID; after
 * each modification DS updates the service's properties, which tells the recovery service to start or stop the
 * channel live.
 */
public abstract class RecoveryChannelBase implements RecoveryChannel {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryChannelBase.class);
    /** Name of the reference to the host's source. */
    public static final String SOURCE = "source";

    /** The value forms a parameter accepts. */
    public enum Form {
        /** 1/0 (also Yes/No, true/false): the reference's boolean parameters. */
        BOOLEAN,
        /** Any non-zero integer enables (also Yes/No): the reference's "nonzero" parameters. */
        NON_ZERO
    }

    private final Channel channel;
    private final Class<? extends Annotation> ocd;
    private final String method;
    private final Form form;
    private volatile InteractionSource source;
    private volatile boolean enabled;

    /**
     * @param channel the channel
     * @param ocd the component's configuration annotation
     * @param method the attribute method of the enabling parameter (its {@code @AttributeDefinition} name is the
     *     documented name)
     * @param form the documented value forms
     */
    protected RecoveryChannelBase(Channel channel, Class<? extends Annotation> ocd, String method, Form form) {
        this.channel = channel;
        this.ocd = ocd;
        this.method = method;
        this.form = form;
    }

    @Reference(name = SOURCE)
    protected void bindSource(InteractionSource s) {
        this.source = s;
    }

    /** Reads the configuration: on activation and on every modification. */
    @Activate
    @Modified
    public void configure(Map<String, Object> props) {
        configure(new ConfigReader(ocd, props, LOG::warn));
    }

    /** Reads the enabling parameter; a channel with more parameters reads them first, then calls this. */
    protected void configure(ConfigReader reader) {
        String m = enablingMethod(reader);
        boolean now = form == Form.BOOLEAN ? reader.bool(m, enabled) : nonZero(reader, m, enabled, LOG::warn);
        enabled = now;
        LOG.info("Interaction recovery: {} {} ({} = {})", channel.key(), now ? "enabled" : "disabled",
                ConfigReader.key(m), reader.text(m));
    }

    /** @return the attribute method the enabling value is read from (a channel with an alias spelling overrides) */
    protected String enablingMethod(ConfigReader reader) {
        return method;
    }

    /** A "nonzero enables" parameter: any whole number, zero disables; Yes/No also accepted. */
    static boolean nonZero(ConfigReader reader, String method, boolean previous, Consumer<String> warn) {
        String text = reader.text(method);
        try {
            return Long.parseLong(text) != 0;
        } catch (NumberFormatException e) {
            Boolean b = ConfigReader.parseBool(text);
            if (b != null) {
                return b;
            }
            warn.accept(String.format("Parameter %s: '%s' is neither a whole number nor Yes/No; keeping %s",
                    ConfigReader.key(method), text, previous ? "enabled" : "disabled"));
            return previous;
        }
    }

    @Override
    public final Channel channel() {
        return channel;
    }

    @Override
    public final boolean enabled() {
        return enabled;
    }

    @Override
    public final InteractionSource source() {
        return source;
    }

}
