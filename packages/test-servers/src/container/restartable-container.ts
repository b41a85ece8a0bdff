import { TestServerError } from '../errors.js';

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

/** Throws unless a container runtime answers; `instead` says what to set to use another backend. */
export async function requireContainerRuntime(instead: string): Promise<void> {
  if (await containerRuntimeAvailable()) return;
  throw new TestServerError(`No container runtime answers (testcontainers found no Docker engine). ${instead}`, 'NO_CONTAINER_RUNTIME');
}

/** The part of a started testcontainers container used here. */
export interface StartedContainerLike {
  getId(): string;
  stop(): Promise<unknown>;
}

/**
 * A database server in a started container that can be stopped and started again (docker
 * stop/start of the same container, data kept), for fault tests. `close()` removes it.
 */
export abstract class RestartableContainer {
  private isRunning = true;
  private frozen = false;

  protected constructor(private readonly container: StartedContainerLike) {}

  /** Resolves once the server in the container accepts logins again. */
  protected abstract waitReady(): Promise<void>;

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
    await this.waitReady();
  }

  async stop(): Promise<void> {
    if (!this.isRunning) return;
    await this.thaw();
    const { client, container } = await this.dockerContainer();
    await client.container.stop(container, { timeout: 10 });
    this.isRunning = false;
  }

  /** Pauses the container (cgroup freezer): the same as SIGSTOP to every process in it. */
  async freeze(): Promise<void> {
    const { container } = await this.dockerContainer();
    await (container as unknown as { pause(): Promise<void> }).pause();
    this.frozen = true;
  }

  async thaw(): Promise<void> {
    if (!this.frozen) return;
    const { container } = await this.dockerContainer();
    await (container as unknown as { unpause(): Promise<void> }).unpause();
    this.frozen = false;
  }

  async close(): Promise<void> {
    await this.thaw();
    await this.container.stop();
    this.isRunning = false;
  }
}
