package org.switchover.recovery.callback.internal;

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
 * Callback recovery (spec section 10), PID {@value #PID}: enabled by {@code Callback Interaction Recovery Enabled},
 * which the reference's table sets to 1 and its change log to any non-zero integer: both are accepted. Live.
 * Promotion keeps the requested time and re-arms the callback ({@link CallbackPromotion}).
 */
@Component(name = CallbackRecoveryComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class, property = RecoveryProtocol.CHANNEL_PROPERTY + "=callback")
@Designate(ocd = CallbackRecoveryComponent.Config.class)
public final class CallbackRecoveryComponent extends RecoveryChannelBase {

    static final String PID = "org.switchover.recovery.callback";
    private static final Logger LOG = LoggerFactory.getLogger(CallbackRecoveryComponent.class);

    /** Callback recovery parameters, PID {@value #PID}. */
    @ObjectClassDefinition(name = "Switchover callback recovery", description = "Shadows of callback requests on"
            + " the backup, promoted and re-armed at a switch")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.CALLBACK_INTERACTION_RECOVERY_ENABLED,
                description = "Any non-zero integer (or Yes) shadows callback requests on the backup; 0 (or No)"
                        + " drops the shadows. Live.")
        String callback_interaction_recovery_enabled() default "0";
    }

    @Activate
    public CallbackRecoveryComponent(
            @Reference(target = "(" + RecoveryProtocol.CHANNEL_PROPERTY + "=callback)") InteractionSource source,
            Map<String, Object> props) {
        super(Channel.CALLBACK, source);
        configure(props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        readEnabled(new ConfigReader(Config.class, props, LOG::warn), "callback_interaction_recovery_enabled",
                Form.NON_ZERO);
    }

    @Override
    public Promotion promote(Interaction shadow, long nowMillis) {
        return CallbackPromotion.promote(shadow, nowMillis);
    }
}
