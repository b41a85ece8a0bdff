import { afterAll, expect, jest, test } from '@jest/globals';
import net from 'node:net';

// The port found free is taken by someone else before Postgres binds it (another test package's
// server, or any outgoing connection's ephemeral port): the server starts on another free port.

// Whatever connects to it (the first readiness probe does) is held open, and destroyed at the end.
const held = new Set<net.Socket>();
const blocker = net.createServer((socket) => {
  held.add(socket);
  // A probe that gives up resets its connection: an error on a socket nobody listens to would end the Jest process.
  socket.on('error', () => socket.destroy());
});
await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
const takenPort = (blocker.address() as net.AddressInfo).port;

const freePort = await import('../free-port.js');
const offered: number[] = [];
jest.unstable_mockModule('../free-port.js', () => ({
  ...freePort,
  findFreePort: async (host?: string) => {
    const port = offered.length === 0 ? takenPort : await freePort.findFreePort(host);
    offered.push(port);
    return port;
  },
}));
const { EmbeddedServer } = await import('./embedded-server.js');

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => blocker.close(resolve));
});

test('a port taken between finding it and binding it: the server starts on the next free one', async () => {
  const server = await EmbeddedServer.create({ user: 'kusto', password: 'port-taken', maxConnections: 10, settings: {} });
  try {
    expect(offered[0]).toBe(takenPort);
    expect(offered).toHaveLength(2);
    expect(server.port).toBe(offered[1]);
    expect(server.running).toBe(true);
  } finally {
    await server.close();
  }
}, 120_000);
