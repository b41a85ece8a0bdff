import type { PostgreSqlContainer } from '@testcontainers/postgresql';
import type { PostgresBackend } from '../backend.js';
import { TestServerError } from '../errors.js';
import { findFreePort } from '../free-port.js';
import { waitUntilReady } from '../wait-ready.js';

export interface ContainerServerOptions {
  /** Docker image. Default `postgres:17-alpine`. */
  readonly image?: string | undefined;
  readonly user: string;
  readonly password: string;
  readonly maxConnections: number;
  readonly settings: Readonly<Record<string, string>>;
}

export const DEFAULT_POSTGRES_IMAGE = 'postgres:17-alpine';

/**
 * Whether a container runtime answers, by testcontainers' own probe. Without Docker it rejects
 * within milliseconds, so this is cheap to ask.
 */
export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

type StartedContainer = Awaited<ReturnType<PostgreSqlContainer['start']>>;

/**
 * Postgres in a testcontainers `PostgreSqlContainer`. The host port is fixed when the container is
 * created so that `stop()`/`start()` (docker stop/start of the same container, data kept) leave
 * every URL handed out valid.
 */
export class ContainerServer implements PostgresBackend {
  readonly kind = 'container' as const;
  private isRunning = true;

  private constructor(
    private readonly container: StartedContainer,
    readonly host: string,
    readonly port: number,
    readonly user: string,
    readonly password: string,
  ) {}

  static async create(options: ContainerServerOptions): Promise<ContainerServer> {
    if (!(await containerRuntimeAvailable())) {
      throw new TestServerError(
        'No container runtime answers (testcontainers found no Docker engine). Unset KUSTO_PG_BACKEND or set it to "embedded".',
        'NO_CONTAINER_RUNTIME',
      );
    }
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

  get running(): boolean {
    return this.isRunning;
  }

  private async dockerContainer() {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return { client, container: client.container.getById(this.container.getId()) };
  }

  async start(): Promise<void> {
    if (this.isRunning) return;
    const { client, container } = await this.dockerContainer();
    await client.container.start(container);
    this.isRunning = true;
    await waitUntilReady({ host: this.host, port: this.port, user: this.user, password: this.password });
  }

  async stop(): Promise<void> {
    if (!this.isRunning) return;
    const { client, container } = await this.dockerContainer();
    await client.container.stop(container, { timeout: 10 });
    this.isRunning = false;
  }

  async close(): Promise<void> {
    await this.container.stop();
    this.isRunning = false;
  }
}
