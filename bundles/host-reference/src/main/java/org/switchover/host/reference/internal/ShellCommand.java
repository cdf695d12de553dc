package org.switchover.host.reference.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Locale;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The Gogo service properties of a command component ({@code osgi.command.scope}, {@code osgi.command.function}),
 * written once as a component property type, and the parsing of Gogo's {@code _main} call.
 *
 * <p>The function names contain '-', which no Java method name can, so the commands go through Gogo's {@code _main}
 * convention: the runtime calls {@code _main} for any registered function of the service and passes the function
 * name as the first argument. This needs no compile-time dependency on Gogo.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
@interface ShellCommand {

    /** Property prefix: the members below become {@code osgi.command.scope} and {@code osgi.command.function}. */
    String PREFIX_ = "osgi.command.";

    /** @return the command scope */
    String scope() default "host";

    /** @return the function names */
    String[] function();

    /** Parsing of Gogo's {@code _main} call. */
    final class Call {
        private Call() {
        }

        /**
         * @param args what Gogo passed to {@code _main}
         * @return the function name without its scope, lower case ("" when none)
         */
        static String function(String... args) {
            String f = args.length == 0 ? "" : args[0].toLowerCase(Locale.ROOT);
            return f.substring(f.indexOf(':') + 1);
        }
    }
}
