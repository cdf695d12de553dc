package org.switchover.monitor.primary.internal;

/**
 * The two notifier connections to the primary as the local notifier reports them (spec section 5.5.1).
 *
 * @param main the main connection is active
 * @param aux the auxiliary connection is active
 */
record Connections(boolean main, boolean aux) {

    boolean both() {
        return main && aux;
    }

    /** @return the connection status in the words of the log */
    String describe() {
        if (main && aux) {
            return "both connections are up";
        }
        if (main) {
            return "main connection up, auxiliary down";
        }
        if (aux) {
            return "auxiliary connection up, main down";
        }
        return "both connections are down";
    }
}
