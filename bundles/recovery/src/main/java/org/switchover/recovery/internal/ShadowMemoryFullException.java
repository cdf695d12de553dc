package org.switchover.recovery.internal;

/**
 * The direct memory that holds the shadows is used up: the JVM's {@code -XX:MaxDirectMemorySize} (by default the
 * maximum heap) is too small for this many shadows. The change that needed the memory is not applied; a full
 * synchronisation that meets this fails (its channel is not promotable and the switch warning says so) and is retried.
 */
final class ShadowMemoryFullException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    ShadowMemoryFullException(int shadows, long bytes, int wanted, OutOfMemoryError cause) {
        super("direct memory for shadows used up (" + shadows + " shadows hold " + bytes / (1024 * 1024)
                + " MiB off the heap; " + wanted + " more bytes wanted): raise -XX:MaxDirectMemorySize (in"
                + " SWITCHOVER_JAVA_OPTS), " + cause.getMessage(), cause);
    }
}
