package org.switchover.api;

/**
 * The two members of a pair, as named by the {@code SwitchoverServer A} and {@code SwitchoverServer B} parameters.
 * The letter identifies the machine, not its role.
 */
public enum NodeId {
    A, B;

    /** @return the other member of the pair. */
    public NodeId peer() {
        return this == A ? B : A;
    }

    /**
     * Parses a node letter.
     *
     * @param text "A" or "B", case-insensitive, surrounding blanks ignored
     * @return the node
     * @throws IllegalArgumentException naming the bad value when it is neither A nor B
     */
    public static NodeId parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equalsIgnoreCase("A")) {
            return A;
        }
        if (t.equalsIgnoreCase("B")) {
            return B;
        }
        throw new IllegalArgumentException("node must be A or B, got '" + text + "'");
    }
}
