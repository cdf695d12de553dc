package org.switchover.recovery.sms.internal;

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
 * ACD SMS recovery (spec section 10), PID {@code org.switchover.recovery.sms}: enabled by
 * {@code SMS Interaction Recovery Enabled} (Yes/No, 1/0), live. Every text is kept, including responses typed during
 * the switch; automatic status messages are reported.
 */
@Component(name = "org.switchover.recovery.sms", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class,
        property = {"switchover.interaction.channel=sms", "source.target=(switchover.interaction.channel=sms)"})
@Designate(ocd = SmsRecoveryComponent.Config.class)
public final class SmsRecoveryComponent extends RecoveryChannelBase {

    public SmsRecoveryComponent() {
        super(Channel.SMS, Config.class, "sms_interaction_recovery_enabled", Form.BOOLEAN);
    }

    /** SMS recovery parameters. */
    @ObjectClassDefinition(name = "Switchover SMS recovery")
    @interface Config {
        /** @return Yes/1 shadows ACD SMS interactions on the backup. */
        @AttributeDefinition(name = ServerParameters.SMS_INTERACTION_RECOVERY_ENABLED)
        String sms_interaction_recovery_enabled() default "No";
    }
}
