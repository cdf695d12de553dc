package org.switchover.host.reference.internal;

/**
 * Bundle-internal service through which the shell commands reach the simulated module owned by
 * {@link ReferenceModule}.
 */
public interface ModuleControl {

    /** @return the simulated module; lives as long as the providing component */
    SimulatedModule module();
}
