/**
 * Warnings a component raises about a manual switch: the core shows them in its status and makes an operator accept
 * them before it switches (spec sections 8 and 13.1).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.switchover.api.warning;
