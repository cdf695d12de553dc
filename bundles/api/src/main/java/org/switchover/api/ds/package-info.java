/**
 * The host's configuration tree (the reference's DS tree) as the switchover bundles see it: a {@link
 * org.switchover.api.ds.DirectoryStore} of entries addressed by path, with per-entry atomic writes, a numbered
 * change feed and Merkle subtree hashes for a top-down compare of two trees.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.switchover.api.ds;
