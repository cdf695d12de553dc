/**
 * Time as every switchover component sees it: a clock and a single-threaded scheduler, injected so that tests run
 * the reference's timelines on virtual time.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package org.switchover.api.time;
