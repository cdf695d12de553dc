package org.switchover.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The enabling parameter of a recovery channel component under test: configures the component with the parameter
 * alone set to a value and tells whether the channel is enabled afterwards. Shared by every channel bundle's tests.
 */
public final class EnablingParameter {
    private final String name;
    private final Consumer<Map<String, Object>> configure;
    private final BooleanSupplier enabled;

    /**
     * @param name the documented parameter name
     * @param configure the component's configuration method (activation and modification)
     * @param enabled whether the component's channel is enabled
     */
    public EnablingParameter(String name, Consumer<Map<String, Object>> configure, BooleanSupplier enabled) {
        this.name = name;
        this.configure = configure;
        this.enabled = enabled;
    }

    /** Configures the component with the parameter set to {@code value}; @return whether the channel is then enabled */
    public boolean enabledAfter(Object value) {
        configure.accept(Map.of(name, value));
        return enabled.getAsBoolean();
    }

    /**
     * Configures the component with each value in turn (a malformed one leaves the previous value in force);
     * @return whether the channel was enabled after each
     */
    public List<Boolean> enabledAfterEach(Object... values) {
        List<Boolean> after = new ArrayList<>();
        for (Object v : values) {
            after.add(enabledAfter(v));
        }
        return after;
    }
}
