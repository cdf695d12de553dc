/**
 * A bounded, time-stamped journal of a component's decisions next to its slf4j log, for status displays and tests.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.switchover.api.log;
