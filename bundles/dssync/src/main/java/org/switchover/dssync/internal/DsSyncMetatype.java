package org.switchover.dssync.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Carries the metatype of {@code org.switchover.dssync}: {@link DsSyncSettings} takes two PIDs (node and its own) and
 * bnd accepts {@code @Designate} only on a component with exactly one PID.
 */
@Component(name = DsSyncSettings.PID + ".metatype", configurationPid = DsSyncSettings.PID, service = {})
@Designate(ocd = DsSyncSettings.Config.class)
public final class DsSyncMetatype {
}
