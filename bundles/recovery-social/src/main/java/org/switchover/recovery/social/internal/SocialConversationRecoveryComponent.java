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
 * Social conversation recovery (Facebook, Twitter; spec section 10), PID {@value #PID}: enabled by any non-zero
 * {@code Socialconversation Interaction Recovery Enabled}; the reference also spells it with a space, so the key
 * {@code social.conversation.interaction.recovery.enabled} is read when the main key is absent. Live.
 */
@Component(name = SocialConversationRecoveryComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class, property = RecoveryProtocol.CHANNEL_PROPERTY + "=social_conversation")
@Designate(ocd = SocialConversationRecoveryComponent.Config.class)
public final class SocialConversationRecoveryComponent extends RecoveryChannelBase {

    static final String PID = "org.switchover.recovery.socialconversation";
    static final String MAIN = "socialconversation_interaction_recovery_enabled";
    static final String ALIAS = "social_conversation_interaction_recovery_enabled";
    private static final Logger LOG = LoggerFactory.getLogger(SocialConversationRecoveryComponent.class);

    /** Social conversation recovery parameters, PID {@value #PID}. */
    @ObjectClassDefinition(name = "Switchover social conversation recovery", description = "Shadows of social"
            + " media conversations on the backup, promoted at a switch")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.SOCIALCONVERSATION_INTERACTION_RECOVERY_ENABLED,
                description = "Any non-zero integer (or Yes) shadows social conversations; 0 (or No) drops the"
                        + " shadows. Live.")
        String socialconversation_interaction_recovery_enabled() default "0";

        @AttributeDefinition(name = "Social conversation Interaction Recovery Enabled", required = false,
                description = "The same parameter as spelled with a space in the reference; read only when the"
                        + " main key is absent")
        String social_conversation_interaction_recovery_enabled() default "";
    }

    @Activate
    public SocialConversationRecoveryComponent(@Reference(target = "(" + RecoveryProtocol.CHANNEL_PROPERTY
            + "=social_conversation)") InteractionSource source, Map<String, Object> props) {
        super(Channel.SOCIAL_CONVERSATION, source);
        configure(props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        ConfigReader r = new ConfigReader(Config.class, props, LOG::warn);
        readEnabled(r, !r.isSet(MAIN) && r.isSet(ALIAS) ? ALIAS : MAIN, Form.NON_ZERO);
    }

    @Override
    public Promotion promote(Interaction shadow, long nowMillis) {
        return Promotion.keepTranscript(Promotion.byState(shadow));
    }
}
