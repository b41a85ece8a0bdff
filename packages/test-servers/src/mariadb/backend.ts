import type { ServerBackend } from '../backend.js';

/** Which kind of MariaDB a handle runs on: Debian's `mariadbd` run by us, or a testcontainers container. */
export type MariaDbBackendKind = 'binary' | 'container';

/** The part of a MariaDB server that differs between the local binary and a container. */
export type MariaDbBackend = ServerBackend<MariaDbBackendKind>;
