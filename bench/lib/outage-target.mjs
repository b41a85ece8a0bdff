// The database an outage benchmark (long-outage, silent-socket) stops or silences, per provider:
// its server, the database's URL, the fixture project the apps use, and the words its figures,
// pictures and files are named with. The Postgres target is the run's shared server; the MySQL
// one a real MariaDB of its own (provider-fixture.mjs).
import { startTcpProxy } from '@kusto/test-servers';
import { startOpenLoad } from './load.mjs';
import { startAppServer } from './processes.mjs';
import { mysqlKit, prepareProvider } from './provider-fixture.mjs';
import { USER_ROWS } from './setup.mjs';
import { waitAccepting, waitUntilAccepted } from './probe.mjs';

/**
 * @typedef {object} OutageTarget
 * @property {string} label  the server in titles and figures: `Postgres`, `MySQL`
 * @property {string} [version]  the server's own version string (MySQL: `SELECT VERSION()`)
 * @property {string} figurePrefix  before every figure of the target (`''` for Postgres, whose rows came first)
 * @property {string} fileSuffix  after the benchmark's name in the picture's file name (`''`, `-mysql`)
 * @property {string} bareAdapter  the bare app's driver adapter, for labels
 * @property {{ stop(): Promise<void>, start(): Promise<void> }} server
 * @property {string} url  the database under test (the apps reach it through proxies of their own)
 * @property {string} project  fixture project folder with the generated client of `user`
 * @property {() => { promise: Promise<number | undefined>, stop(): void }} waitAccepting  when a fresh session gets through again
 * @property {() => Promise<void>} close
 */

/** The run's Postgres (setUp()), database `url` of it. Closing it is left to run.mjs. */
export function postgresTarget({ server, project, url }) {
  return {
    label: 'Postgres',
    figurePrefix: '',
    fileSuffix: '',
    bareAdapter: 'PrismaPg',
    server,
    url,
    project,
    waitAccepting: () => waitAccepting(url),
    close: async () => {},
  };
}

/** Starts a MariaDB of its own with a seeded `database`; `close()` removes it. */
export async function startMysqlTarget(database) {
  const { server, project, url } = await prepareProvider(await mysqlKit(), database);
  const [{ version }] = await server.rows(url, 'SELECT VERSION() AS version');
  return {
    label: 'MySQL',
    version,
    figurePrefix: 'MySQL: ',
    fileSuffix: '-mysql',
    bareAdapter: 'PrismaMariaDb',
    server,
    url,
    project,
    // A fresh session that logs in and answers SELECT 1 (the connector's own connect, a few ms
    // after the login itself; the same probe as `providers`).
    waitAccepting: () =>
      waitUntilAccepted(async () => {
        await server.rows(url, 'SELECT 1 AS one');
        return performance.now();
      }),
    close: () => server.close(),
  };
}

/** Runs `measure(target)` on a MariaDB of its own (startMysqlTarget), logging its version; removes it after. */
export async function withMysqlTarget(database, log, measure) {
  const target = await startMysqlTarget(database);
  log(`  MariaDB ${target.version} on ${target.server.host}:${target.server.port}`);
  try {
    return await measure(target);
  } finally {
    await target.close();
  }
}

/**
 * The managed app (middleware, default settings) and the bare PrismaClient app on `target`, one
 * process each (so neither takes the other's CPU), each reaching the server through a TCP proxy of
 * its own (whose `acceptedCount` counts connection attempts and whose modes cause the faults).
 * `name` names their log files. `close()` stops the apps, then the proxies.
 */
export async function startSideBySide(target, name) {
  const at = new URL(target.url);
  const proxies = {
    managed: await startTcpProxy({ targetHost: at.hostname, targetPort: Number(at.port) }),
    bare: await startTcpProxy({ targetHost: at.hostname, targetPort: Number(at.port) }),
  };
  const managerOptions = { databases: { user: { url: proxies.managed.url(target.url) } } };
  const app = await startAppServer(
    { project: target.project, variants: ['middleware'], managerOptions, middlewareOptions: { continueOnFailure: false } },
    {},
    `${name}${target.fileSuffix}`,
  );
  const bareApp = await startAppServer(
    { project: target.project, variants: ['bare'], managerOptions, bareUrl: proxies.bare.url(target.url) },
    {},
    `${name}${target.fileSuffix}-bare`,
  );
  return {
    proxies,
    ports: { managed: app.ports.middleware, bare: bareApp.ports.bare },
    /** The same open-loop load on both apps (`GET /users/:id` over the seeded ids); `{ managed, bare }`. */
    startLoads({ everyMs, timeoutMs, maxMs }) {
      const load = (port) => {
        let i = 0;
        return startOpenLoad({ port, path: () => `/users/${1 + ((i++ * 7919) % USER_ROWS)}`, everyMs, timeoutMs, maxMs });
      };
      return { managed: load(app.ports.middleware), bare: load(bareApp.ports.bare) };
    },
    async close() {
      await app.close();
      await bareApp.close();
      await proxies.managed.close();
      await proxies.bare.close();
    },
  };
}
