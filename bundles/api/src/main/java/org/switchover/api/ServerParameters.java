package org.switchover.api;

/**
 * The documented server-parameter names. Each is the metatype attribute name (the label operators know from the
 * reference) of the configuration property that carries it; the README maps every name to its PID and property key.
 * Javadoc gives type, default, range and unit as documented.
 */
public final class ServerParameters {
    private ServerParameters() {
    }

    /** Type host, no default. */
    public static final String SWITCHOVERSERVER_A = "SwitchoverServer A";

    /** Type host, no default. */
    public static final String SWITCHOVERSERVER_B = "SwitchoverServer B";

    /** Type bool-1-0, default 0. */
    public static final String CALLBACK_INTERACTION_RECOVERY_ENABLED = "Callback Interaction Recovery Enabled";

    /** Type bool-1-0, default 0. */
    public static final String CHAT_INTERACTION_RECOVERY_ENABLED = "Chat Interaction Recovery Enabled";

    /** Type path-list, default +D:/I3/IC/Resources;+D:/I3/IC/HostTools;+D:/I3/IC/Server/LRA;+D:/I3/IC/ClientSettings;+C:/I3/IC/Flows;+C:/I3/IC/TFTPRoot;+C:/I3/IC/Provision;+C:/I3/IC/Certificates/LinesAuthority;+C:/I3/IC/Certificates/Email;+C:/I3/IC/Server/I3RxDocs;+C:/I3/IC/Server/Reports. */
    public static final String CUSTOMMIRRORDIR = "CustomMirrorDir";

    /** Type class-attribute-list, no default. */
    public static final String CUSTOM_UPGRADE_ATTRIBUTE_EXCEPTIONS = "Custom Upgrade Attribute Exceptions";

    /** Type path-list, default +C:/I3/IC/Flows. */
    public static final String CUSTOM_UPGRADE_FILE_SYNCHRONIZATION_DIRECTORIES = "Custom Upgrade File Synchronization Directories";

    /** Type extension-list, no default. */
    public static final String CUSTOM_UPGRADE_FILE_SYNCHRONIZATION_EXCEPTIONS = "Custom Upgrade File Synchronization Exceptions";

    /** Type ds-path-list, default ${CONFIG}/Users;${CONFIG}/Passwords;${CONFIG}/Workgroups;${CONFIG}/Roles;${CONFIG}/Default User;${SERVER}/Workstations;${CONFIG}/ProcessAutomation. */
    public static final String CUSTOM_UPGRADE_SYNCHRONIZATION_DIRECTORIES = "Custom Upgrade Synchronization Directories";

    /** Type int-nonzero-enables, no default. */
    public static final String DIRECTMESSAGE_INTERACTION_RECOVERY_ENABLED = "Directmessage Interaction Recovery Enabled";

    /** Type bool-yes-no-1-0, no default. */
    public static final String FORCESWITCHOVERFQDNS = "ForceSwitchoverFQDNs";

    /** Type path-list, no default. */
    public static final String INITIALMIRRORDIR = "InitialMirrorDir";

    /** Type bool-1-0, default 0. */
    public static final String MAIL_INTERACTION_RECOVERY_ENABLED = "Mail Interaction Recovery Enabled";

    /** Type bool-1-0, default 0. */
    public static final String MAIL_INTERACTION_RECOVERY_FILTER_ENABLED = "Mail Interaction Recovery Filter Enabled";

    /** Type extension-list, no default. */
    public static final String MIRROREXCEPTIONS = "MirrorExceptions";

    /** Type ip-address, no default. */
    public static final String SERVER_A_ADDRESS = "Server A Address";

    /** Type ip-address, no default. */
    public static final String SERVER_B_ADDRESS = "Server B Address";

    /** Type bool-yes-no-1-0, default 0. */
    public static final String SMS_INTERACTION_RECOVERY_ENABLED = "SMS Interaction Recovery Enabled";

    /** Type int-nonzero-enables, no default. */
    public static final String SOCIALCONVERSATION_INTERACTION_RECOVERY_ENABLED = "Socialconversation Interaction Recovery Enabled";

    /** Type bool-yes-no, no default. */
    public static final String STATSERVER_DISABLEQPSLOGGINGONBACKUP = "StatServer_DisableQPSLoggingOnBackup";

    /** Type bool-yes-no-1-0, default not set = gateway ping disabled (equivalent to Yes/1). */
    public static final String SWITCHOVER_DISABLE_GATEWAY_PING = "Switchover Disable Gateway Ping";

    /** Type int-seconds, default 120, unit seconds. */
    public static final String SWITCHOVER_DS_REQUEST_TIMEOUT = "Switchover DS Request Timeout";

    /** Type int-seconds, default 60, unit seconds. */
    public static final String SWITCHOVER_FILE_MONITOR_HEALTH_CHECK_INTERVAL = "Switchover File Monitor Health Check Interval";

    /** Type int-seconds, default 10, unit seconds. */
    public static final String SWITCHOVER_FILE_MONITOR_HEALTH_CHECK_TIMEOUT = "Switchover File Monitor Health Check Timeout";

    /** Type int-seconds, no default, unit seconds. */
    public static final String SWITCHOVER_IP_RETRY_DELAY = "Switchover IP Retry Delay";

    /** Type int-seconds, no default, unit seconds. */
    public static final String SWITCHOVER_IP_TIMEOUT = "Switchover IP Timeout";

    /** Type int, default 2, unit count. */
    public static final String SWITCHOVER_MAX_RESTARTS = "Switchover Max Restarts";

    /** Type int-seconds, default 300, unit seconds. */
    public static final String SWITCHOVER_MAX_RESTARTS_PERIOD = "Switchover Max Restarts Period";

    /** Type int, default 2, unit count. */
    public static final String SWITCHOVER_MAX_SEQUENTIAL_RESTARTS = "Switchover Max Sequential Restarts";

    /** Type int, default 2, unit count. */
    public static final String SWITCHOVER_MAX_TS_FAILURES = "Switchover Max TS Failures";

    /** Type string, default TsServer. */
    public static final String SWITCHOVER_MONITORING = "Switchover Monitoring";

    /** Type host, no default. */
    public static final String SWITCHOVER_NETTEST_A = "Switchover NetTest A";

    /** Type host, no default. */
    public static final String SWITCHOVER_NETTEST_B = "Switchover NetTest B";

    /** Type int-seconds, default 1, unit seconds. */
    public static final String SWITCHOVER_NETTEST_TIMEOUT = "Switchover NetTest Timeout";

    /** Type int-seconds, default 5, range 5..60, unit seconds. */
    public static final String SWITCHOVER_NOTIFIER_RECONNECT_DELAY = "Switchover Notifier Reconnect Delay";

    /** Type bool-yes-no-1-0, default 0. */
    public static final String SWITCHOVER_PING_ON_AUX_CONNECTION = "Switchover Ping on Aux Connection";

    /** Type int-seconds, default 0, range -..300, unit seconds. */
    public static final String SWITCHOVER_PRIMARY_MONITOR_PING_DELAY = "Switchover Primary Monitor Ping Delay";

    /** Type int-seconds, default 0, range 0..300, unit seconds. */
    public static final String SWITCHOVER_PRIMARY_MONITOR_RETRY_PING_DELAY = "Switchover Primary Monitor Retry Ping Delay";

    /** Type int, default 2, range 1..50, unit count. */
    public static final String SWITCHOVER_PRIMARY_MONITOR_RETRY_COUNT = "Switchover Primary Monitor Retry Count";

    /** Type int-seconds, default 0, range -..300, unit seconds. */
    public static final String SWITCHOVER_PRIMARY_MONITOR_TIMEOUT = "Switchover Primary Monitor Timeout";

    /** Type int-dscp, default AF41 (DSCP 34). */
    public static final String SWITCHOVER_QOS_DSCP = "Switchover QoS DSCP";

    /** Type int-seconds, default 30, range 0..-, unit seconds. */
    public static final String SWITCHOVER_RECONNECT_TIMEOUT = "Switchover Reconnect Timeout";

    /** Type int-seconds, default 1, unit seconds. */
    public static final String SWITCHOVER_TS_FAILURE_RETRY_DELAY = "Switchover TS Failure Retry Delay";

    /** Type int-seconds, default 10, range 5..60, unit seconds. */
    public static final String SWITCHOVER_TS_TIMEOUT = "Switchover TS Timeout";

    /** Type int, no default, unit ping sets. */
    public static final String SWITCHOVER_UNREACHABLE_PRIMARY_PING_COUNT = "Switchover Unreachable Primary Ping Count";

    /** Type int-seconds, default 10, range 1..300, unit seconds. */
    public static final String SWITCHOVER_UNREACHABLE_PRIMARY_PING_DELAY = "Switchover Unreachable Primary Ping Delay";

    /** Type bool-yes-no-1-0, no default. */
    public static final String SWITCHOVER_USE_QOS_FOR_PING = "Switchover Use QoS for Ping";

    /** Type host-fqdn, no default. */
    public static final String SWITCHOVERSERVERFQDN_A = "SwitchoverServerFQDN A";

    /** Type host-fqdn, no default. */
    public static final String SWITCHOVERSERVERFQDN_B = "SwitchoverServerFQDN B";

    /** Type ds-path-list, no default. */
    public static final String SWITCHOVER_UPGRADE_HIGHER_DS_EXCLUSIONS = "Switchover Upgrade Higher DS Exclusions";

    /** Type path-list, no default. */
    public static final String SWITCHOVER_UPGRADE_HIGHER_FILE_EXCLUSIONS = "Switchover Upgrade Higher File Exclusions";

    /** Type path, no default. */
    public static final String HANDLER_PATH = "Handler Path";

    /** Type path, no default. */
    public static final String RESOURCE_PATH = "Resource Path";

    /** Type path, no default. */
    public static final String I3TABLES_PATH = "I3Tables Path";

    /** Type string, no default. */
    public static final String IONNOTIFIER = "IonNotifier";

    /** Type int-seconds, no default, unit seconds. */
    public static final String SWITCHOVER_RECONNECT_DELAY = "Switchover Reconnect Delay";

    /** Type unknown, no default. Obsolete: accepted and ignored. */
    public static final String SWITCHOVER_MAX_UDP_FAILURES = "Switchover Max UDP Failures";

    /** Type unknown, no default. Obsolete: accepted and ignored. */
    public static final String SWITCHOVER_UDP_MAXIMUM_PING_DELAY = "Switchover UDP Maximum Ping Delay";

    /** Type unknown, no default. Obsolete: accepted and ignored. */
    public static final String SWITCHOVER_UDP_MONITOR = "Switchover UDP Monitor";

    /** Type unknown, no default. Obsolete: accepted and ignored. */
    public static final String SWITCHOVER_UDP_NORMAL_RETRY_DELAY = "Switchover UDP Normal Retry Delay";

    /** Type unknown, no default. Obsolete: accepted and ignored. */
    public static final String ENABLE_SWITCHOVER_UPGRADE_MODE = "Enable Switchover Upgrade Mode";

    /** Type unknown, no default. Obsolete: accepted and ignored. */
    public static final String SWITCHOVER_USE_WAN_OPTIMIZATIONS_FOR_DS_SYNC = "Switchover Use WAN Optimizations for DS Sync";

    /** Type unknown, no default. Obsolete: accepted and ignored. */
    public static final String SWITCHOVER_USE_COMPRESSION_FOR_DS_SYNC = "Switchover Use Compression For DS Sync";

    /** Type unknown, no default. Obsolete: accepted and ignored. */
    public static final String SWITCHOVER_USE_COMPRESSION_FOR_DS_REQUEST_SYNC = "Switchover Use Compression for DS Request Sync";

}
