import type { PostgreSqlContainer } from '@testcontainers/postgresql';
import type { PostgresBackend } from '../backend.js';
import { findFreePort } from '../free-port.js';
import { waitUntilReady } from '../wait-ready.js';
import { RestartableContainer, requireContainerRuntime } from './restartable-container.js';

export interface ContainerServerOptions {
  /** Docker image. Default `postgres:17-alpine`. */
  readonly image?: string | undefined;
  readonly user: string;
  readonly password: string;
  readonly maxConnections: number;
  readonly settings: Readonly<Record<string, string>>;
}

export const DEFAULT_POSTGRES_IMAGE = 'postgres:17-alpine';

type StartedContainer = Awaited<ReturnType<PostgreSqlContainer['start']>>;

/**
 * Postgres in a testcontainers `PostgreSqlContainer`. The host port is fixed when the container is
 * created so that `stop()`/`start()` (docker stop/start of the same container, data kept) leave
 * every URL handed out valid.
 */
export class ContainerServer extends RestartableContainer implements PostgresBackend {
  readonly kind = 'container' as const;

  private constructor(
    container: StartedContainer,
    readonly host: string,
    readonly port: number,
    readonly user: string,
    readonly password: string,
  ) {
    super(container);
  }

  static async create(options: ContainerServerOptions): Promise<ContainerServer> {
    await requireContainerRuntime('Unset KUSTO_PG_BACKEND or set it to "embedded".');
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const hostPort = await findFreePort();
    const container = await new PostgreSqlContainer(options.image ?? DEFAULT_POSTGRES_IMAGE)
      .withUsername(options.user)
      .withPassword(options.password)
      .withDatabase('postgres')
      .withExposedPorts({ container: 5432, host: hostPort })
      .withCommand([
        'postgres',
        '-c', `max_connections=${options.maxConnections}`,
        '-c', 'fsync=off',
        ...Object.entries(options.settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ])
      .start();
    return new ContainerServer(container, container.getHost(), hostPort, options.user, options.password);
  }

  protected waitReady(): Promise<void> {
    return waitUntilReady({ host: this.host, port: this.port, user: this.user, password: this.password });
  }
}
