package org.switchover.monitor.primary.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Carries the metatype of {@code org.switchover.monitor.primary}. The primary monitor itself takes three PIDs
 * (node, module monitor, its own), and bnd accepts {@code @Designate} only on a component with exactly one PID, so
 * this empty single-PID component designates the primary monitor's {@link PrimaryMonitorImpl.Config} for it.
 */
@Component(name = PrimaryMonitorImpl.PID + ".metatype", configurationPid = PrimaryMonitorImpl.PID, service = {})
@Designate(ocd = PrimaryMonitorImpl.Config.class)
public final class PrimaryMonitorMetatype {
}
