package org.switchover.recovery.mail.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.switchover.api.ServerParameters;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.Promotion;
import org.switchover.api.interaction.RecoveryChannel;
import org.switchover.api.interaction.ShadowFilter;
import org.switchover.support.recovery.RecoveryChannelBase;

/**
 * Email recovery (spec section 10), PID {@code org.switchover.recovery.mail}: present while the PID is configured,
 * enabled by {@code Mail Interaction Recovery Enabled}; {@code Mail Interaction Recovery Filter Enabled} shadows only
 * emails assigned to an agent's queue ({@link AssignedMailFilter}). Both are live: enabling runs a full
 * synchronisation, changing the filter drops the shadows and resynchronises by it, with nothing visible on the
 * primary. Promotion keeps HTML and attachments ({@link MailPromotion}).
 */
@Component(name = "org.switchover.recovery.mail", configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = RecoveryChannel.class,
        property = {"switchover.interaction.channel=mail", "source.target=(switchover.interaction.channel=mail)"})
@Designate(ocd = MailRecoveryComponent.Config.class)
public final class MailRecoveryComponent extends RecoveryChannelBase {

    /** Email recovery parameters. */
    @ObjectClassDefinition(name = "Switchover email recovery", description = "Email shadows on the backup")
    @interface Config {
        @AttributeDefinition(name = ServerParameters.MAIL_INTERACTION_RECOVERY_ENABLED,
                description = "1/Yes shadows emails on the backup (live; enabling runs a full synchronisation)")
        String mail_interaction_recovery_enabled() default "0";

        @AttributeDefinition(name = ServerParameters.MAIL_INTERACTION_RECOVERY_FILTER_ENABLED,
                description = "1/Yes: only emails assigned to an agent's queue (live; drops shadows, resyncs)")
        String mail_interaction_recovery_filter_enabled() default "0";
    }

    private volatile boolean filter;

    public MailRecoveryComponent() {
        super(Channel.MAIL, Config.class, "mail_interaction_recovery_enabled", Form.BOOLEAN);
    }

    @Override
    protected void configure(ConfigReader reader) {
        filter = reader.bool("mail_interaction_recovery_filter_enabled", filter);
        super.configure(reader);
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
