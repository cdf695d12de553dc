package org.switchover.recovery.social.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.switchover.api.ServerParameters;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.support.recovery.RecoveryChannelBase;

/**
 * Social direct message recovery (spec section 10), PID {@code org.switchover.recovery.directmessage}: its own
 * parameter next to the conversation one, enabled by any non-zero {@code Directmessage Interaction Recovery Enabled}.
 * Live (the reference asks for a restart of the server or of the backup; nothing restarts here).
 */
@Component(name = "org.switchover.recovery.directmessage", service = RecoveryChannel.class,
        configurationPolicy = ConfigurationPolicy.REQUIRE, property = {"switchover.interaction.channel=direct_message",
            "source.target=(switchover.interaction.channel=direct_message)"})
@Designate(ocd = DirectMessageRecoveryComponent.Config.class)
public final class DirectMessageRecoveryComponent extends RecoveryChannelBase {

    public DirectMessageRecoveryComponent() {
        super(Channel.DIRECT_MESSAGE, Config.class, "directmessage_interaction_recovery_enabled", Form.NON_ZERO);
    }

    @ObjectClassDefinition(name = "Switchover direct message recovery")
    @interface Config {
        @AttributeDefinition(name = ServerParameters.DIRECTMESSAGE_INTERACTION_RECOVERY_ENABLED,
                description = "Any non-zero integer (or Yes) shadows direct messages")
        String directmessage_interaction_recovery_enabled() default "0";
    }
}
