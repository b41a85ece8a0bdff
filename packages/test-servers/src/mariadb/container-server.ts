import type { StartedMariaDbContainer } from '@testcontainers/mariadb';
import { RestartableContainer, requireContainerRuntime } from '../container/restartable-container.js';
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
export class MariaDbContainerServer extends RestartableContainer implements MariaDbBackend {
  readonly kind = 'container' as const;
  readonly user = 'root';

  private constructor(
    container: StartedMariaDbContainer,
    readonly host: string,
    readonly port: number,
    readonly password: string,
    private readonly readyTimeoutMs: number,
  ) {
    super(container);
  }

  static async create(options: MariaDbContainerOptions): Promise<MariaDbContainerServer> {
    await requireContainerRuntime('Unset KUSTO_MARIADB_BACKEND or set it to "binary".');
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

  protected waitReady(): Promise<void> {
    return waitUntilMariaDbReady(this, { timeoutMs: this.readyTimeoutMs });
  }
}
