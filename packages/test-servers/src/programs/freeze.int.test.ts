import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { acceptsTcp } from '../free-port.js';
import { providerServers, type ProviderServer } from '../provider-servers.js';

// freeze()/thaw() on every provider's server: frozen, the port still accepts TCP (the kernel's
// backlog) but nothing answers, established sessions included; thawed, everything goes on.

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`freeze() and thaw() on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let url: string;

    beforeAll(async () => {
      server = await kit.start();
      url = await server.createDatabase('frozen');
    }, 120_000);

    afterAll(async () => {
      await server?.close();
    });

    test('frozen: TCP is accepted, a statement gets no answer until thawed, then it completes', async () => {
      await server.freeze();
      try {
        expect(await acceptsTcp(server.port)).toBe(true);
        const answered = server.rows<{ one: number }>(url, 'SELECT 1 AS one').then(() => 'answered');
        expect(await Promise.race([answered, sleep(1_500).then(() => 'no answer')])).toBe('no answer');
        await server.thaw();
        expect(await Promise.race([answered, sleep(10_000).then(() => 'still no answer')])).toBe('answered');
      } finally {
        await server.thaw();
      }
    }, 30_000);

    test('stop() of a frozen server thaws it first and stops it', async () => {
      await server.freeze();
      await server.stop();
      expect(server.running).toBe(false);
      expect(await acceptsTcp(server.port)).toBe(false);
      await server.start();
      expect(await server.rows<{ one: number }>(url, 'SELECT 1 AS one')).toHaveLength(1);
    }, 60_000);
  });
}
