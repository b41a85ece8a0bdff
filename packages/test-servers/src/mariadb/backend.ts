/** Which kind of MariaDB a handle runs on: Debian's `mariadbd` run by us, or a testcontainers container. */
export type MariaDbBackendKind = 'binary' | 'container';

/** The part of a MariaDB server that differs between the local binary and a container. */
export interface MariaDbBackend {
  readonly kind: MariaDbBackendKind;
  readonly host: string;
  readonly port: number;
  /** The password-protected account handles log in as (it may create databases and kill sessions). */
  readonly user: string;
  readonly password: string;
  readonly running: boolean;
  /** Starts the stopped server again with the same data and port. */
  start(): Promise<void>;
  /** Stops the server (its sessions are closed), keeping its data. */
  stop(): Promise<void>;
  /** Stops the server and removes everything it created. */
  close(): Promise<void>;
}
