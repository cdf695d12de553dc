package org.switchover.api.interaction;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides on the primary which interactions of a channel get a shadow. One instance serves one publishing run (it may
 * remember what it admitted); called on the thread that reports the interaction's changes, in order per interaction.
 */
@ConsumerType
public interface ShadowFilter {

    /** Every interaction is shadowed. */
    ShadowFilter ALL = new ShadowFilter() {
        @Override
        public boolean admits(Interaction i) {
            return true;
        }

        @Override
        public void forget(String id) {
        }

        @Override
        public String toString() {
            return "all interactions";
        }
    };

    /** @return whether this version of the interaction is shadowed (a shadowed one that is no longer is removed) */
    boolean admits(Interaction interaction);

    /** The interaction was released: forget what was remembered about it. */
    void forget(String id);
}
