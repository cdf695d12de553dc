package org.switchover.recovery.sms.internal;

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
 * SMS recovery (spec section 10), PID {@value #PID}: present while the PID is configured, enabled by
 * {@code SMS Interaction Recovery Enabled} (1/0, Yes/No), live: no restart of anything. Promotion keeps the whole
 * transcript, including what was typed during the switch; a file transfer in flight and generated status messages
 * are reported.
 */
@Component(name = SmsRecoveryComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class, property = RecoveryProtocol.CHANNEL_PROPERTY + "=sms")
@Designate(ocd = SmsRecoveryComponent.Config.class)
public final class SmsRecoveryComponent extends RecoveryChannelBase {

    static final String PID = "org.switchover.recovery.sms";
    private static final Logger LOG = LoggerFactory.getLogger(SmsRecoveryComponent.class);

    /** SMS recovery parameters, PID {@value #PID}. */
    @ObjectClassDefinition(name = "Switchover SMS recovery", description = "Shadows of SMS interactions on the"
            + " backup, promoted at a switch")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.SMS_INTERACTION_RECOVERY_ENABLED,
                description = "1 (or Yes) shadows every ACD SMS on the backup; 0 (or No) drops the shadows. Live.")
        String sms_interaction_recovery_enabled() default "0";
    }

    @Activate
    public SmsRecoveryComponent(
            @Reference(target = "(" + RecoveryProtocol.CHANNEL_PROPERTY + "=sms)") InteractionSource source,
            Map<String, Object> props) {
        super(Channel.SMS, source);
        configure(props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        readEnabled(new ConfigReader(Config.class, props, LOG::warn), "sms_interaction_recovery_enabled",
                Form.BOOLEAN);
    }

    @Override
    public Promotion promote(Interaction shadow, long nowMillis) {
        return Promotion.keepTranscript(Promotion.byState(shadow));
    }
}
