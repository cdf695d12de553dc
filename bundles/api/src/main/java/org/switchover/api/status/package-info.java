/**
 * The one status model of a node: the core fills it, every view (the shell's {@code switchover:status}, the JSON of
 * {@code switchoverctl status --json}, the console's page and REST) renders it, so no two views can disagree.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package org.switchover.api.status;
