import { findFreePort } from './free-port.js';

/** Ports tried when the free one found was taken before the server could bind it. */
const PORT_ATTEMPTS = 3;

/**
 * Runs `start` on `port`, or when none is given on a free port, and then on another free one (up
 * to three in all) when the server's error message matches `portTaken`: the port found was taken
 * before it could bind it (by another server, or any process's outgoing connection). `start`
 * cleans up what its own attempt made before it throws.
 */
export async function startOnFreePort<T>(
  options: { readonly port?: number | undefined; readonly host: string; readonly portTaken: RegExp },
  start: (port: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const port = options.port ?? (await findFreePort(options.host));
    try {
      return await start(port);
    } catch (error) {
      const taken = error instanceof Error && options.portTaken.test(error.message);
      if (!(taken && options.port === undefined && attempt < PORT_ATTEMPTS)) throw error;
    }
  }
}
