package org.switchover.mirror.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Designates the metatype of {@code org.switchover.mirror}: bnd accepts {@code @Designate} only on a single-PID
 * component, and the mirror itself also reads {@code org.switchover.node}.
 */
@Component(name = MirrorComponent.PID + ".metatype", configurationPid = MirrorComponent.PID, service = {})
@Designate(ocd = MirrorComponent.Config.class)
public final class MirrorMetatype {
}
