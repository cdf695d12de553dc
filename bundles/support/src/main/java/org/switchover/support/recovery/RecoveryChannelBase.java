package org.switchover.support.recovery;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.interaction.ShadowFilter;

/**
 * What every channel bundle's component shares: the channel, the host's source, and whether the channel's documented
 * parameter enables it, read leniently in one place ({@link #readEnabled}). A channel component extends this, is
 * registered as {@link RecoveryChannel} with {@code configurationPolicy = REQUIRE} on its own PID, and calls
 * {@link #readEnabled} from its {@code @Activate} and {@code @Modified}; DS then updates the service's properties,
 * which tells the recovery service to start or stop the channel live.
 */
public abstract class RecoveryChannelBase implements RecoveryChannel {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryChannelBase.class);

    /** The value forms a parameter accepts. */
    public enum Form {
        /** 1/0 (also Yes/No, true/false): the reference's boolean parameters. */
        BOOLEAN,
        /** Any non-zero integer enables (also Yes/No): the reference's "nonzero" parameters. */
        NON_ZERO
    }

    private final Channel channel;
    private final InteractionSource source;
    private volatile boolean enabled;

    protected RecoveryChannelBase(Channel channel, InteractionSource source) {
        this.channel = channel;
        this.source = source;
    }

    /**
     * Reads the enabling parameter.
     *
     * @param reader the configuration snapshot
     * @param method the {@code @AttributeDefinition} method of the parameter (its name is the documented name)
     * @param form the documented value forms
     * @return whether the channel is enabled now
     */
    protected final boolean readEnabled(ConfigReader reader, String method, Form form) {
        boolean was = enabled;
        boolean now = form == Form.BOOLEAN ? reader.bool(method, was) : nonZero(reader, method, was, LOG::warn);
        enabled = now;
        LOG.info("Interaction recovery: {} {} ({} = {})", channel.key(), now ? "enabled" : "disabled",
                ConfigReader.key(method), reader.text(method));
        return now;
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

    /** Every interaction is shadowed unless a channel overrides this. */
    @Override
    public ShadowFilter newFilter() {
        return ShadowFilter.ALL;
    }

    @Override
    public String filterName() {
        return ShadowFilter.ALL.toString();
    }
}
