/**
 * Log hygiene for text and events that come from outside the process: {@link org.switchover.support.log.LogText}
 * escapes untrusted text before it reaches a log line, {@link org.switchover.support.log.RateLimitedLog} keeps a
 * warning that a peer or client can trigger at will down to one line per key and period plus a count.
 */
package org.switchover.support.log;
