// The database an outage benchmark (long-outage, silent-socket) stops or silences, per provider:
// its server, the database's URL, the fixture project the apps use, and the words its figures,
// pictures and files are named with. The Postgres target is the run's shared server; the MySQL
// one a real MariaDB of its own (provider-fixture.mjs).
import { mysqlKit, prepareProvider } from './provider-fixture.mjs';
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
