package org.switchover.recovery.chat.internal;

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
 * Chat recovery (spec section 10), PID {@value #PID}: present while the PID is configured, enabled by
 * {@code Chat Interaction Recovery Enabled} (1/0, Yes/No), live: no restart of anything. Promotion keeps the whole
 * transcript, including what was typed during the switch; a file transfer in flight and generated status messages
 * are reported.
 */
@Component(name = ChatRecoveryComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class, property = RecoveryProtocol.CHANNEL_PROPERTY + "=chat")
@Designate(ocd = ChatRecoveryComponent.Config.class)
public final class ChatRecoveryComponent extends RecoveryChannelBase {

    static final String PID = "org.switchover.recovery.chat";
    private static final Logger LOG = LoggerFactory.getLogger(ChatRecoveryComponent.class);

    /** Chat recovery parameters, PID {@value #PID}. */
    @ObjectClassDefinition(name = "Switchover chat recovery", description = "Shadows of chat interactions on the"
            + " backup, promoted at a switch")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.CHAT_INTERACTION_RECOVERY_ENABLED,
                description = "1 (or Yes) shadows every chat on the backup; 0 (or No) drops the shadows. Live.")
        String chat_interaction_recovery_enabled() default "0";
    }

    @Activate
    public ChatRecoveryComponent(
            @Reference(target = "(" + RecoveryProtocol.CHANNEL_PROPERTY + "=chat)") InteractionSource source,
            Map<String, Object> props) {
        super(Channel.CHAT, source);
        configure(props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        readEnabled(new ConfigReader(Config.class, props, LOG::warn), "chat_interaction_recovery_enabled",
                Form.BOOLEAN);
    }

    @Override
    public Promotion promote(Interaction shadow, long nowMillis) {
        return Promotion.keepTranscript(Promotion.byState(shadow));
    }
}
