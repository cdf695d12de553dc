package org.switchover.recovery.social.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.ServerParameters;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.interaction.RecoveryProtocol;
import org.switchover.support.recovery.RecoveryChannelBase;

/**
 * Social direct message recovery (spec section 10), PID {@value #PID}: enabled by any non-zero
 * {@code Directmessage Interaction Recovery Enabled}, its own parameter next to the conversation one. Live (the
 * reference asks for a restart of the server or of the backup; nothing restarts here).
 */
@Component(name = DirectMessageRecoveryComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class, property = RecoveryProtocol.CHANNEL_PROPERTY + "=direct_message")
@Designate(ocd = DirectMessageRecoveryComponent.Config.class)
public final class DirectMessageRecoveryComponent extends RecoveryChannelBase {

    static final String PID = "org.switchover.recovery.directmessage";
    private static final Logger LOG = LoggerFactory.getLogger(DirectMessageRecoveryComponent.class);

    /** Direct message recovery parameters, PID {@value #PID}. */
    @ObjectClassDefinition(name = "Switchover direct message recovery", description = "Shadows of social media"
            + " direct messages on the backup, promoted at a switch")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.DIRECTMESSAGE_INTERACTION_RECOVERY_ENABLED,
                description = "Any non-zero integer (or Yes) shadows direct messages; 0 (or No) drops the shadows."
                        + " Live.")
        String directmessage_interaction_recovery_enabled() default "0";
    }

    @Activate
    public DirectMessageRecoveryComponent(@Reference(target = "(" + RecoveryProtocol.CHANNEL_PROPERTY
            + "=direct_message)") InteractionSource source, Map<String, Object> props) {
        super(Channel.DIRECT_MESSAGE, source);
        configure(props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        readEnabled(new ConfigReader(Config.class, props, LOG::warn), "directmessage_interaction_recovery_enabled",
                Form.NON_ZERO);
    }

    @Override
    public Promotion promote(Interaction shadow, long nowMillis) {
        return Promotion.keepTranscript(Promotion.byState(shadow));
    }
}
