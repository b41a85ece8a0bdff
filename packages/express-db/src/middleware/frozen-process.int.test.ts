import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startTcpProxy, type TcpProxy } from '@kusto/test-servers';
import { fixtureProject, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';
import { providerServers, type ProviderServer } from '@kusto/test-servers/testing';
import { startScenario } from '../test-support/scenario-process.js';

// An app process frozen and thawed (SIGSTOP/SIGCONT of a real child process), as a function
// platform freezes a function between invocations, on every provider with a real server here
// (MariaDB skipped, with the reason, where it cannot run). While it is frozen its pooled
// connections die: silently (a NAT that forgot them: the proxy stops forwarding) or with a word
// from the server (its sessions killed). After the thaw the first request must get an answer —
// 200 on a new connection, or 503 once the query bound gives up on a dead socket — never a 500
// and never a hang, and the requests after it 200s.

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..', '..');
/** Default query bound (10 s) plus the time a check and a new connection may take. */
const ANSWER_WITHIN_MS = 15_000;

const kits = await providerServers();

for (const kit of kits) {
  const suite = kit.available ? describe : describe.skip;
  suite(`an app process frozen and thawed, on ${kit.name}${kit.available ? '' : ` (skipped: ${kit.reason})`}`, () => {
    let server: ProviderServer;
    let project: string;
    let url: string;
    let proxy: TcpProxy;
    let child: ChildProcess | undefined;

    beforeAll(async () => {
      [server, project] = await Promise.all([kit.start(), fixtureProject({ packageDir, databases: { user: schemaFor(kit.provider, USER_MODELS) } })]);
      url = await server.createDatabase('frozen_app');
      await server.exec(url, server.userTableSql);
      proxy = await startTcpProxy({ targetHost: server.host, targetPort: server.port });
    }, 120_000);

    afterEach(async () => {
      const app = child;
      child = undefined;
      if (app && app.exitCode === null && app.signalCode === null) {
        const exited = new Promise((resolve) => app.once('exit', resolve));
        app.kill('SIGCONT');
        app.kill('SIGTERM');
        const timer = setTimeout(() => app.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      proxy.heal();
    });

    afterAll(async () => {
      await proxy?.close();
      await server?.close();
    });

    async function startApp(): Promise<string> {
      const app = await startScenario('frozen-app.mjs', [project, proxy.url(url)]);
      child = app.process;
      return `http://127.0.0.1:${app.port}/users`;
    }

    /** Status of one request; 'hung' when it got no answer within the bound (or none at all). */
    const status = (target: string) =>
      fetch(target, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS) }).then(
        (response) => response.status,
        () => 'hung' as const,
      );

    async function thawAndExpectRecovery(target: string): Promise<void> {
      child!.kill('SIGCONT');
      const first = await status(target);
      expect([200, 503]).toContain(first);
      let last: number | 'hung' = first;
      for (let i = 0; i < 20 && last !== 200; i++) {
        await sleep(250);
        last = await status(target);
        expect([200, 503]).toContain(last);
      }
      expect(last).toBe(200);
    }

    test('frozen while its pooled connections go silent (a NAT forgets them): after the thaw, an answer within the bound, then 200s', async () => {
      const target = await startApp();
      expect(await status(target)).toBe(200);
      child!.kill('SIGSTOP');
      proxy.stall();
      // Shorter than the serverless pool's 5 s idle timeout: the dead connection is still pooled at the thaw.
      await sleep(2_000);
      await thawAndExpectRecovery(target);
    }, 90_000);

    test('frozen while the server ends its sessions: after the thaw, an answer at once, then 200s', async () => {
      const target = await startApp();
      expect(await status(target)).toBe(200);
      child!.kill('SIGSTOP');
      expect(await server.killConnections('frozen_app')).toBeGreaterThan(0);
      await sleep(5_000);
      await thawAndExpectRecovery(target);
    }, 90_000);
  });
}
