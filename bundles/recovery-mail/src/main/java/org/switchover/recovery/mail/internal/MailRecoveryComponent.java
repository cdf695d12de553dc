package org.switchover.recovery.mail.internal;

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
import org.switchover.api.interaction.ShadowFilter;
import org.switchover.support.recovery.RecoveryChannelBase;

/**
 * Email recovery (spec section 10), PID {@value #PID}: present while the PID is configured, enabled by
 * {@code Mail Interaction Recovery Enabled}; {@code Mail Interaction Recovery Filter Enabled} shadows only emails
 * assigned to an agent's queue ({@link AssignedMailFilter}). Both are live: enabling runs a full synchronisation,
 * turning the filter on drops the shadows and resynchronises by the filter, with nothing visible on the primary.
 */
@Component(name = MailRecoveryComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class, property = RecoveryProtocol.CHANNEL_PROPERTY + "=mail")
@Designate(ocd = MailRecoveryComponent.Config.class)
public final class MailRecoveryComponent extends RecoveryChannelBase {

    static final String PID = "org.switchover.recovery.mail";
    private static final Logger LOG = LoggerFactory.getLogger(MailRecoveryComponent.class);

    /** Email recovery parameters, PID {@value #PID}. */
    @ObjectClassDefinition(name = "Switchover email recovery", description = "Shadows of email interactions on the"
            + " backup, promoted at a switch")
    public @interface Config {
        @AttributeDefinition(name = ServerParameters.MAIL_INTERACTION_RECOVERY_ENABLED,
                description = "1 (or Yes) shadows email interactions on the backup; 0 (or No) drops the shadows."
                        + " Live; enabling runs a full synchronisation.")
        String mail_interaction_recovery_enabled() default "0";

        @AttributeDefinition(name = ServerParameters.MAIL_INTERACTION_RECOVERY_FILTER_ENABLED,
                description = "1 (or Yes): only emails assigned to an agent's queue are shadowed (needs Mail"
                        + " Interaction Recovery Enabled = 1). Live; a change drops the shadows and resynchronises.")
        String mail_interaction_recovery_filter_enabled() default "0";
    }

    private volatile boolean filter;

    @Activate
    public MailRecoveryComponent(
            @Reference(target = "(" + RecoveryProtocol.CHANNEL_PROPERTY + "=mail)") InteractionSource source,
            Map<String, Object> props) {
        super(Channel.MAIL, source);
        configure(props);
    }

    @Modified
    void configure(Map<String, Object> props) {
        ConfigReader r = new ConfigReader(Config.class, props, LOG::warn);
        filter = r.bool("mail_interaction_recovery_filter_enabled", filter);
        readEnabled(r, "mail_interaction_recovery_enabled", Form.BOOLEAN);
    }

    @Override
    public ShadowFilter newFilter() {
        return filter ? new AssignedMailFilter() : ShadowFilter.ALL;
    }

    @Override
    public String filterName() {
        return filter ? AssignedMailFilter.NAME : ShadowFilter.ALL.toString();
    }

    @Override
    public Promotion promote(Interaction shadow, long nowMillis) {
        return MailPromotion.promote(shadow);
    }
}
