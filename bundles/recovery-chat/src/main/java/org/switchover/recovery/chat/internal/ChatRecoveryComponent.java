package org.switchover.recovery.chat.internal;

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
 * Chat recovery (spec section 10), PID {@code org.switchover.recovery.chat}: present while the PID is configured,
 * enabled by {@code Chat Interaction Recovery Enabled} (1/0, Yes/No), live. Promotion keeps the whole transcript,
 * including what was typed during the switch; a file transfer in flight and generated status messages are reported
 * (the shared rule of {@link RecoveryChannelBase}).
 */
@Component(name = "org.switchover.recovery.chat", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class, property = {"switchover.interaction.channel=chat",
            "source.target=(switchover.interaction.channel=chat)"})
@Designate(ocd = ChatRecoveryComponent.Config.class)
public final class ChatRecoveryComponent extends RecoveryChannelBase {

    /** Chat recovery parameters. */
    @ObjectClassDefinition(name = "Switchover chat recovery", description = "Chat shadows on the backup")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.CHAT_INTERACTION_RECOVERY_ENABLED, description = "1/Yes: on")
        String chat_interaction_recovery_enabled() default "0";
    }

    public ChatRecoveryComponent() {
        super(Channel.CHAT, Config.class, "chat_interaction_recovery_enabled", Form.BOOLEAN);
    }
}
