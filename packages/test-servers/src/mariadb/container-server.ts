import type { StartedMariaDbContainer } from '@testcontainers/mariadb';
import { containerRuntimeAvailable } from '../container/container-server.js';
import { TestServerError } from '../errors.js';
import { findFreePort } from '../free-port.js';
import { waitUntilMariaDbReady } from './admin.js';
import type { MariaDbBackend } from './backend.js';

export const DEFAULT_MARIADB_IMAGE = 'mariadb:11';

export interface MariaDbContainerOptions {
  /** Docker image. Default `mariadb:11`. */
  readonly image?: string | undefined;
  readonly password: string;
  readonly maxConnections: number;
  readonly settings: Readonly<Record<string, string>>;
  readonly readyTimeoutMs: number;
}

/**
 * MariaDB in a testcontainers `MariaDbContainer`. Handles log in as the container's root account
 * (the image's `MARIADB_USER` cannot be given global privileges, which creating databases and
 * killing sessions need), with a random password. The host port is fixed when the container is
 * created so that `stop()`/`start()` (docker stop/start, data kept) leave every URL valid.
 */
export class MariaDbContainerServer implements MariaDbBackend {
  readonly kind = 'container' as const;
  readonly user = 'root';
  private isRunning = true;

  private constructor(
    private readonly container: StartedMariaDbContainer,
    readonly host: string,
    readonly port: number,
    readonly password: string,
    private readonly readyTimeoutMs: number,
  ) {}

  static async create(options: MariaDbContainerOptions): Promise<MariaDbContainerServer> {
    if (!(await containerRuntimeAvailable())) {
      throw new TestServerError(
        'No container runtime answers (testcontainers found no Docker engine). Unset KUSTO_MARIADB_BACKEND or set it to "binary".',
        'NO_CONTAINER_RUNTIME',
      );
    }
    const { MariaDbContainer } = await import('@testcontainers/mariadb');
    const hostPort = await findFreePort();
    const container = await new MariaDbContainer(options.image ?? DEFAULT_MARIADB_IMAGE)
      .withRootPassword(options.password)
      .withExposedPorts({ container: 3306, host: hostPort })
      .withCommand([
        `--max-connections=${options.maxConnections}`,
        '--innodb-flush-log-at-trx-commit=0',
        ...Object.entries(options.settings).map(([name, value]) => `--${name}=${value}`),
      ])
      .start();
    return new MariaDbContainerServer(container, container.getHost(), hostPort, options.password, options.readyTimeoutMs);
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
    await waitUntilMariaDbReady(this, { timeoutMs: this.readyTimeoutMs });
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
