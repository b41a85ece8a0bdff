// Scenario: start a PgBouncer and exit without closing it. Prints {"pid","dir"} on one line and
// exits; the parent test checks that neither the process nor its folder outlives us.
// Usage: node exit-without-close.mjs (KUSTO_TEST_PG_URL in the environment). Runs the built dist.
import { startPgBouncer } from '../../../dist/index.js';

const server = new URL(process.env.KUSTO_TEST_PG_URL);
const bouncer = await startPgBouncer({
  upstream: { host: server.hostname, port: Number(server.port) },
  user: decodeURIComponent(server.username),
  password: decodeURIComponent(server.password),
});
process.stdout.write(`${JSON.stringify({ pid: bouncer.pid, dir: bouncer.dir })}\n`, () => process.exit(0));
