package org.switchover.host.reference.internal;

import java.lang.annotation.Annotation;

/** A hand-made {@link ReferenceModule.Config} as DS would build it from a configuration. */
final class TestConfig implements ReferenceModule.Config {
    private final String moduleName;
    private final int startupSeconds;

    TestConfig(String moduleName, int startupSeconds) {
        this.moduleName = moduleName;
        this.startupSeconds = startupSeconds;
    }

    @Override
    public String module_name() {
        return moduleName;
    }

    @Override
    public int startup_seconds() {
        return startupSeconds;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return ReferenceModule.Config.class;
    }
}
