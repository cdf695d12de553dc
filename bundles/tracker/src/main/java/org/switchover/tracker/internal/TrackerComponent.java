package org.switchover.tracker.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.jdbc.DataSourceFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchover.api.HandOverParticipant;
import org.switchover.api.NodeIdentity;
import org.switchover.api.ServerParameters;
import org.switchover.api.config.ConfigReader;
import org.switchover.api.interaction.Channel;
import org.switchover.api.interaction.Interaction;
import org.switchover.api.interaction.InteractionListener;
import org.switchover.api.interaction.InteractionSource;
import org.switchover.api.interaction.ShadowObserver;
import org.switchover.api.status.StatusSection;
import org.switchover.api.status.ReplicationFigures;
import org.switchover.api.status.StatusSectionContributor;
import org.switchover.api.time.SystemScheduler;
import org.switchover.support.RoleBinding;
import org.switchover.support.Threads;

/**
 * The Tracker in OSGi (spec section 11). Follows the core's role conditions; on the primary it listens to the host's
 * {@link InteractionSource}s of mail, chat and callback, on the backup it sees the same interactions as the recovery
 * service's {@link ShadowObserver}. Rows go through the CSV journal under {@code ${data.dir}/tracker/journal} and, on
 * the primary, into the database: an embedded H2 file database under {@code ${data.dir}/tracker/db} unless a JDBC
 * URL is configured (PostgreSQL), opened through the {@link DataSourceFactory} the driver bundle registers.
 */
@Component(name = TrackerComponent.PID, configurationPid = TrackerComponent.PID, immediate = true,
        service = {TrackerComponent.class, ShadowObserver.class, StatusSectionContributor.class,
                HandOverParticipant.class, ReplicationFigures.class})
@Designate(ocd = TrackerComponent.Config.class)
public final class TrackerComponent implements ShadowObserver, StatusSectionContributor, HandOverParticipant,
        ReplicationFigures {

    static final String PID = "org.switchover.tracker";
    private static final Logger LOG = LoggerFactory.getLogger(TrackerComponent.class);
    private static final String FAILED = "Tracker: an event could not be handled";
    /** The host's sources are watched this long after the primary role ended (ms). */
    static final long LISTEN_AFTER_MILLIS = 5_000;
    /** The driver class each supported URL prefix needs (the DataSourceFactory's osgi.jdbc.driver.class). */
    private static final Map<String, String> DRIVERS = Map.of("jdbc:h2:", "org.h2.Driver", "jdbc:postgresql:",
            "org.postgresql.Driver");

    /** Tracker parameters, PID {@code org.switchover.tracker}. */
    @ObjectClassDefinition(id = PID, name = "Switchover Tracker",
            description = "Interaction history and queue interval statistics: database on the primary, CSV on the"
                    + " backup")
    public @interface Config {
        @AttributeDefinition(name = "Tracker Interval Length", min = "60", max = "86400",
                description = "Length of a queue statistics interval (s); applies from the next interval")
        int tracker_interval_length() default 1800;

        @AttributeDefinition(name = ServerParameters.STATSERVER_DISABLEQPSLOGGINGONBACKUP, required = false,
                description = "Yes: the backup writes no CSV journal (the flush at a switch happens regardless)."
                        + " Absent or No: the backup journals what it sees")
        String statserver_disableqpsloggingonbackup() default "No";

        @AttributeDefinition(name = "Tracker Database URL", required = false,
                description = "JDBC URL of the database (jdbc:postgresql://host:5432/db); empty: the embedded H2"
                        + " file database under the node's data directory")
        String tracker_database_url() default "";

        @AttributeDefinition(name = "Tracker Database User", required = false,
                description = "User of the database")
        String tracker_database_user() default "";

        @AttributeDefinition(name = "Tracker Database Password", required = false, type = AttributeType.PASSWORD,
                description = "Password of the database user (never logged)")
        String tracker_database_password() default "";

        @AttributeDefinition(name = "Tracker Batch Size", min = "1", max = "10000",
                description = "Rows per database transaction")
        int tracker_batch_size() default 500;
    }

    private final Path dataDir;
    private final SystemScheduler actor = new SystemScheduler("switchover-tracker-1");
    private final SystemScheduler dbThread = new SystemScheduler("switchover-tracker-db-1");
    private final Map<DataSourceFactory, Map<String, Object>> factories = new ConcurrentHashMap<>();
    private final Map<InteractionSource, AutoCloseable> listening = new ConcurrentHashMap<>();
    private final java.util.Set<InteractionSource> sources = ConcurrentHashMap.newKeySet();
    private final TrackerService service;
    /** The drainer's connections: HikariCP over the driver's DataSource, rebuilt when the settings change. */
    private final ConnectionPool pool = new ConnectionPool(this::settingsKey, this::dataSource);
    private final CsvJournal journal;
    private final RoleBinding roles;
    private volatile String url = "";
    private volatile String user = "";
    private volatile String password = "";
    private long intervalSeconds = 1800;
    private boolean disableOnBackup;

    @Activate
    public TrackerComponent(@Reference NodeIdentity identity, BundleContext context, Map<String, Object> props)
            throws IOException {
        this.dataDir = identity.dataDir().resolve("tracker");
        this.journal = new CsvJournal(dataDir.resolve("journal"), LOG::warn);
        ConfigReader r = new ConfigReader(Config.class, props, LOG::warn);
        int batch = r.integer("tracker_batch_size", 500);
        this.service = new TrackerService(actor, dbThread, System::currentTimeMillis, journal,
                new Drainer(journal, pool, batch), intervalSeconds * 1000);
        configure(props);
        this.roles = new RoleBinding(actor, role -> Threads.logging(() -> roleChanged(role), LOG, FAILED).run());
        roles.track(context);
    }

    @Modified
    void configure(Map<String, Object> props) {
        ConfigReader r = new ConfigReader(Config.class, props, LOG::warn);
        intervalSeconds = r.integer("tracker_interval_length", (int) intervalSeconds);
        disableOnBackup = r.bool("statserver_disableqpsloggingonbackup", disableOnBackup);
        String u = r.text("tracker_database_url");
        url = u == null || u.isBlank() ? "" : u.trim();
        String us = r.text("tracker_database_user");
        user = us == null ? "" : us;
        String pw = r.text("tracker_database_password");
        password = pw == null ? "" : pw;
        service.configure(intervalSeconds * 1000, disableOnBackup);
        LOG.info("Tracker: interval {} s, backup CSV journal {}, database {}", intervalSeconds,
                disableOnBackup ? "off (StatServer_DisableQPSLoggingOnBackup = Yes)" : "on", describeUrl());
        service.requestDrain();
    }

    /** @return the URL in use, with no credentials (a URL may carry a password parameter: only its start is shown) */
    private String describeUrl() {
        String u = effectiveUrl();
        int cut = u.indexOf('?');
        int semi = u.indexOf(';');
        int end = cut < 0 ? semi : semi < 0 ? cut : Math.min(cut, semi);
        return end < 0 ? u : u.substring(0, end) + " (parameters not shown)";
    }

    private String effectiveUrl() {
        String u = url;
        // WRITE_DELAY=0: H2 writes each commit to its file at once, so a confirmed row survives a kill of the process
        // (by default it waits up to a second, and a kill -9 lost committed rows in the system test)
        return u.isEmpty() ? "jdbc:h2:file:" + dataDir.resolve("db").resolve("tracker").toAbsolutePath()
                + ";WRITE_DELAY=0" : u;
    }

    /** @return the database settings as one key for the pool (the password only as a hash), and the factory */
    private String settingsKey() {
        return effectiveUrl() + "\n" + user + "\n" + password.hashCode() + "\n"
                + System.identityHashCode(factoryFor(effectiveUrl()));
    }

    private DataSourceFactory factoryFor(String u) {
        String driver = DRIVERS.entrySet().stream().filter(e -> u.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse("");
        return factories.entrySet().stream()
                .filter(e -> driver.equals(e.getValue().get(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS)))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** Makes the driver bundle's DataSource for the settings, through its DataSourceFactory (the drainer's thread). */
    private DataSource dataSource() throws SQLException {
        String u = effectiveUrl();
        String driver = DRIVERS.entrySet().stream().filter(e -> u.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new SQLException("the tracker database URL must start with jdbc:h2:"
                        + " or jdbc:postgresql:, not '" + describeUrl() + "'"));
        DataSourceFactory f = factories.entrySet().stream()
                .filter(e -> driver.equals(e.getValue().get(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS)))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new SQLException("no DataSourceFactory for " + driver + " is registered (is the"
                        + " driver bundle installed?)"));
        Properties p = new Properties();
        p.setProperty(DataSourceFactory.JDBC_URL, u);
        if (!user.isEmpty()) {
            p.setProperty(DataSourceFactory.JDBC_USER, user);
        }
        if (!password.isEmpty()) {
            p.setProperty(DataSourceFactory.JDBC_PASSWORD, password);
        }
        return f.createDataSource(p);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindFactory(DataSourceFactory f, Map<String, Object> props) {
        factories.put(f, props);
        service.requestDrain();
    }

    void unbindFactory(DataSourceFactory f) {
        factories.remove(f);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindSource(InteractionSource s) {
        sources.add(s);
        actor.execute(() -> {
            if (service.role() == RoleBinding.Role.PRIMARY) {
                listen(s);
            }
        });
    }

    void unbindSource(InteractionSource s) {
        sources.remove(s);
        actor.execute(() -> stopListening(s));
    }

    /**
     * The role changed (actor thread): on the primary, the host's sources are watched; elsewhere the shadows. The
     * host's sources are let go only {@link #LISTEN_AFTER_MILLIS} after the primary role ended: an interaction the
     * host created while its role was being withdrawn still reaches the tracker (the host takes nothing new once it
     * is not primary, so nothing else comes).
     */
    private void roleChanged(RoleBinding.Role role) {
        if (role != RoleBinding.Role.PRIMARY) {
            actor.schedule(() -> {
                if (service.role() != RoleBinding.Role.PRIMARY) {
                    listening.keySet().forEach(this::stopListening);
                }
            }, LISTEN_AFTER_MILLIS);
        } else {
            // listen first: what the host reports from now on is queued on this thread behind the promotion
            sources.forEach(this::listen);
        }
        service.role(role);
    }

    private void listen(InteractionSource s) {
        if (!TrackerModel.CHANNELS.contains(s.channel()) || listening.containsKey(s)) {
            return;
        }
        listening.put(s, s.addListener(new InteractionListener() {
            @Override
            public void changed(Interaction now) {
                service.hostChanged(now);
            }

            @Override
            public void removed(String id, long version) {
                service.removed(id, version);
            }
        }));
    }

    private void stopListening(InteractionSource s) {
        AutoCloseable c = listening.remove(s);
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Tracker: could not stop listening to the {} source: {}", s.channel().key(), e.toString());
            }
        }
    }

    // ---- the backup's view: the recovery service's shadows ----

    // Taken in every role: the tail of the stream may still arrive after this node became primary (the recovery
    // service promotes after the role changed); a change the host's source also reports is ignored by its version.
    @Override
    public void changed(Interaction now) {
        service.changed(now);
    }

    @Override
    public void removed(Channel channel, String id, long version) {
        service.removed(id, version);
    }

    @Override
    public void syncStarted(Channel channel) {
        service.syncStarted(channel);
    }

    @Override
    public void syncCompleted(Channel channel) {
        service.syncCompleted(channel);
    }

    @Override
    public void promoted(Channel channel) {
        service.promoted(channel);
    }

    // ---- a controlled hand-over: the core waits (bounded) for this before it acknowledges ----

    @Override
    public java.util.concurrent.CompletionStage<String> beforeAcknowledge(long budgetMillis) {
        return service.handOver(budgetMillis);
    }

    /** @return the tracker's figures */
    TrackerStatus status() {
        return service.status();
    }

    @Override
    public StatusSection statusSection() {
        return service.status().section();
    }

    /** The tracker's key in the replication figures. */
    @Override
    public String subsystem() {
        return "tracker";
    }

    /** The tracker ships no changes to the peer: no lag. */
    @Override
    public long lagMillis() {
        return -1;
    }

    /** @return the rows not yet in the database (journal after the drained position, plus those in memory) */
    @Override
    public long backlog() {
        return service.backlogRows();
    }

    @Deactivate
    void deactivate() throws IOException {
        roles.close();
        listening.keySet().forEach(this::stopListening);
        actor.shutdown();
        dbThread.shutdown();
        service.close();
        pool.close();
        journal.close();
    }
}
