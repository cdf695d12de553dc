package org.switchover.console.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.NodeIdentity;
import org.switchover.api.SwitchoverControl;
import org.switchover.api.SwitchoverStatus;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.interaction.ActiveResources;
import org.switchover.api.time.SystemScheduler;
import org.switchover.console.internal.web.Backend;
import org.switchover.console.internal.web.FelixHealthChecks;
import org.switchover.console.internal.web.WebConsole;

/**
 * The operator surface of a node: registers the Gogo commands {@code switchover:status}, {@code switchover:switch}
 * and {@code switchover:restart}, and runs the loopback control endpoint of {@code bin/switchoverctl} in the node's
 * data directory. Talks to the core only through {@link SwitchoverStatus} (the one status model) and
 * {@link SwitchoverControl}.
 */
@Component(name = ConsoleComponent.PID, configurationPid = ConsoleComponent.PID, service = {}, immediate = true)
@Designate(ocd = ConsoleComponent.Config.class)
public final class ConsoleComponent {

    /** The console's configuration PID. */
    public static final String PID = "org.switchover.console";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleComponent.class);
    /** How long a manual switch through the control endpoint may take. */
    private static final long SWITCH_WAIT_MILLIS = 70_000L;
    /** How long a shell line through the control endpoint may run (switchover:switch itself waits 60 s). */
    private static final long SHELL_WAIT_MILLIS = 75_000L;

    /** The console's parameters (PID {@value #PID}). */
    @ObjectClassDefinition(id = PID, name = "Switchover Console",
            description = "Operator surface: shell commands and the loopback control endpoint of bin/switchoverctl")
    public @interface Config {

        @AttributeDefinition(name = "Control Endpoint Enabled",
                description = "Loopback control endpoint for bin/switchoverctl (true/false)")
        boolean control_enabled() default true;

        @AttributeDefinition(name = "Console Web Enabled",
                description = "Status page, REST API and health endpoints on the HTTP whiteboard (true/false)")
        boolean web_enabled() default true;

        @AttributeDefinition(name = "Console Users",
                description = "Users of the page and REST API: <name>:<rights>:<hash> separated by commas; rights"
                        + " remote-control and/or admin joined by +, or - for none; hash from switchover:passwordhash")
        String web_users() default "";

        @AttributeDefinition(name = "Console URL",
                description = "Base URL of this node's page in the status JSON; empty = from the HTTP runtime")
        String web_url() default "";

        @AttributeDefinition(name = "Console Session Timeout (min)", min = "1", max = "1440",
                description = "A login session unused this long ends (minutes)")
        int web_session_timeout() default 30;
    }

    private final SwitchoverStatus status;
    private final SwitchoverControl control;
    private final Path dataDir;
    private final BundleContext context;
    private final ShellRunner shell;
    private final ServiceRegistration<ShellCommands> commandsReg;
    private boolean controlEnabled;
    /** The control endpoint's own thread: starts it, and retries a start that failed. */
    private final SystemScheduler controlThread = new SystemScheduler("switchover-console-start-1");
    private final ControlStarter controlEndpoint;
    private final ControlProtocol switchProtocol;
    private volatile WebConsole web;
    /** The Felix Health Check services; null when Felix Health Check is not in the framework. */
    private AutoCloseable felixChecks;
    private volatile String configuredUrl = "";
    private volatile ActiveResources resources;

    /** Gogo's command processor, for the control endpoint's shell command; bound by reference so that no Gogo type
     * appears in this class (the import is optional: the console runs without Gogo). */
    private volatile ServiceReference<?> shellRef;

    @Activate
    public ConsoleComponent(BundleContext context, @Reference SwitchoverStatus status,
                            @Reference SwitchoverControl control, @Reference NodeIdentity identity,
                            Map<String, Object> props) {
        this.context = context;
        this.status = status;
        this.control = control;
        this.dataDir = identity.dataDir();
        Hashtable<String, Object> cp = new Hashtable<>();
        cp.put("osgi.command.scope", "switchover");
        cp.put("osgi.command.function", new String[] {"status", "switch", "restart", "passwordhash"});
        commandsReg = context.registerService(ShellCommands.class,
                new ShellCommands(control, this::statusText, status::warnings), cp);
        shell = new ShellRunner(this::leaseCommandProcessor);
        controlEndpoint = new ControlStarter(controlThread, this::startControl, identity.dataDir().toString());
        controlEnabled = controlEnabled(props, true);
        controlEndpoint.enable(controlEnabled);
        switchProtocol = new ControlProtocol(() -> "", this::statusMap, control::requestSwitch, SWITCH_WAIT_MILLIS,
                shell, SHELL_WAIT_MILLIS, status::warnings);
        configureWeb(props);
        try {
            felixChecks = new FelixHealthChecks(context, status::report);
            LOG.info("Console: health checks registered with Felix Health Check (tag {})", FelixHealthChecks.TAG);
        } catch (LinkageError e) {
            LOG.info("Console: no Felix Health Check in this framework ({}); the health URLs answer alone",
                    e.toString());
        }
    }

    /** Starts, reconfigures or stops the web side. */
    private void configureWeb(Map<String, Object> props) {
        ConfigReader r = new ConfigReader(Config.class, props, LOG::warn);
        configuredUrl = r.text("web_url");
        boolean on = r.bool("web_enabled", true);
        String users = r.text("web_users");
        long idle = r.integer("web_session_timeout", "Console Session Timeout", 30, 1, 1440) * 60_000L;
        if (!on) {
            if (web != null) {
                web.close();
                web = null;
            }
            return;
        }
        if (web == null) {
            Backend backend = new Backend(status::report, this::statusMap, status::warnings,
                    switchProtocol::switchReply, () -> resources);
            try {
                web = new WebConsole(context, backend, users, idle, w -> LOG.warn("Console: {}", w));
            } catch (LinkageError e) {
                LOG.info("Console: no servlet API in this framework ({}); no page, REST API or health endpoints",
                        e.toString());
                return;
            }
            LOG.info("Console: page, REST API and health endpoints registered on the HTTP whiteboard ({} users)",
                    web.users());
        } else {
            web.configure(users, idle, w -> LOG.warn("Console: {}", w));
        }
    }

    /** @return the status object of switchoverctl status --json, with this node's console URL */
    private Map<String, Object> statusMap() {
        WebConsole w = web;
        String url = configuredUrl.isEmpty() ? (w == null ? null : w.runtimeUrl()) : configuredUrl;
        return StatusView.toMap(status.report(), url);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindResources")
    void bindResources(ActiveResources r) {
        resources = r;
    }

    void unbindResources(ActiveResources r) {
        if (resources == r) {
            resources = null;
        }
    }

    @Modified
    void modified(Map<String, Object> props) {
        configureWeb(props);
        controlEnabled = controlEnabled(props, controlEnabled);
        controlEndpoint.enable(controlEnabled);
    }

    @Deactivate
    void deactivate() {
        if (felixChecks != null) {
            try {
                felixChecks.close();
            } catch (Exception e) {
                LOG.warn("Console: could not unregister the Felix health checks: {}", e.toString());
            }
            felixChecks = null;
        }
        if (web != null) {
            web.close();
            web = null;
        }
        try {
            controlEndpoint.close().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Console: the control endpoint did not stop within 5 s: {}", e.toString());
        }
        controlThread.shutdown();
        shell.close();
        try {
            commandsReg.unregister();
        } catch (IllegalStateException e) {
            LOG.debug("the shell commands were already unregistered: {}", e.toString());
        }
    }

    @Reference(service = org.apache.felix.service.command.CommandProcessor.class,
            cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindCommandProcessor")
    void bindCommandProcessor(ServiceReference<?> ref) {
        shellRef = ref;
    }

    void unbindCommandProcessor(ServiceReference<?> ref) {
        if (ref.equals(shellRef)) {
            shellRef = null;
        }
    }

    private ShellRunner.Lease leaseCommandProcessor() {
        ServiceReference<?> ref = shellRef;
        if (ref == null) {
            return null;
        }
        Object cp;
        try {
            cp = context.getService(ref);
        } catch (RuntimeException e) {
            LOG.warn("Getting the command processor failed: {}", e.toString());
            return null;
        }
        if (cp == null) {
            return null;
        }
        return new ShellRunner.Lease(cp, () -> context.ungetService(ref));
    }

    private String statusText() {
        return StatusView.toText(status.report());
    }

    private ControlServer startControl() throws IOException {
        ControlServer s = new ControlServer(dataDir, token -> new ControlProtocol(() -> token,
                this::statusMap, control::requestSwitch, SWITCH_WAIT_MILLIS, shell,
                SHELL_WAIT_MILLIS, status::warnings));
        s.start();
        return s;
    }

    private static boolean controlEnabled(Map<String, Object> props, boolean previous) {
        return new ConfigReader(Config.class, props, LOG::warn).bool("control_enabled", previous);
    }
}
