package org.switchover.recovery.social.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.switchover.api.ServerParameters;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.support.recovery.RecoveryChannelBase;

/**
 * Social conversation recovery (Facebook, Twitter; spec section 10), PID
 * {@code org.switchover.recovery.socialconversation}: enabled by any non-zero
 * {@code Socialconversation Interaction Recovery Enabled}. The reference also spells it with a space, so the key
 * {@code social.conversation.interaction.recovery.enabled} is read when the main key is absent. Live.
 */
@Component(name = "org.switchover.recovery.socialconversation", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class, property = {"switchover.interaction.channel=social_conversation",
            "source.target=(switchover.interaction.channel=social_conversation)"})
@Designate(ocd = SocialConversationRecoveryComponent.Config.class)
public final class SocialConversationRecoveryComponent extends RecoveryChannelBase {

    static final String MAIN = "socialconversation_interaction_recovery_enabled";
    static final String ALIAS = "social_conversation_interaction_recovery_enabled";

    /** Social conversation recovery parameters. */
    @ObjectClassDefinition(name = "Switchover social conversation recovery")
    @interface Config {
        @AttributeDefinition(name = ServerParameters.SOCIALCONVERSATION_INTERACTION_RECOVERY_ENABLED,
                description = "Any non-zero integer (or Yes) shadows social conversations on the backup")
        String socialconversation_interaction_recovery_enabled() default "0";

        @AttributeDefinition(name = "Social conversation Interaction Recovery Enabled", required = false,
                description = "The same parameter as the reference also spells it; read when the main key is absent")
        String social_conversation_interaction_recovery_enabled() default "";
    }

    public SocialConversationRecoveryComponent() {
        super(Channel.SOCIAL_CONVERSATION, Config.class, MAIN, Form.NON_ZERO);
    }

    @Override
    protected String enablingMethod(ConfigReader reader) {
        return !reader.isSet(MAIN) && reader.isSet(ALIAS) ? ALIAS : MAIN;
    }
}
