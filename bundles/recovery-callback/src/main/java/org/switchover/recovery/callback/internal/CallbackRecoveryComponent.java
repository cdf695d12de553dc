package org.switchover.recovery.callback.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.switchover.api.ServerParameters;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.support.recovery.RecoveryChannelBase;

/**
 * Callback recovery (spec section 10), PID {@code org.switchover.recovery.callback}: enabled by
 * {@code Callback Interaction Recovery Enabled}, which the reference's table sets to 1 and its change log to any
 * non-zero integer: both are accepted. Live. Promotion keeps the requested time and re-arms the callback
 * ({@link CallbackPromotion}).
 */
@Component(name = "org.switchover.recovery.callback", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class, property = {"switchover.interaction.channel=callback",
            "source.target=(switchover.interaction.channel=callback)"})
@Designate(ocd = CallbackRecoveryComponent.Config.class)
public final class CallbackRecoveryComponent extends RecoveryChannelBase {

    @ObjectClassDefinition(name = "Switchover callback recovery")
    @interface Config {
        @AttributeDefinition(name = ServerParameters.CALLBACK_INTERACTION_RECOVERY_ENABLED,
                description = "Any non-zero integer (or Yes) shadows callback requests on the backup")
        String callback_interaction_recovery_enabled() default "0";
    }

    public CallbackRecoveryComponent() {
        super(Channel.CALLBACK, Config.class, "callback_interaction_recovery_enabled", Form.NON_ZERO);
    }

    @Override
    public Promotion promote(Interaction shadow, long nowMillis) {
        return CallbackPromotion.promote(shadow, nowMillis);
    }
}
