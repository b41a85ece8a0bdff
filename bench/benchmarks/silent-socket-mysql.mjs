// silent-socket on MySQL: the pooled connections to a real MariaDB of its own
// (lib/outage-target.mjs) go silent under load, managed app (bound: `pool.queryTimeoutMillis`
// 10 s, then KILL QUERY on a new connection) beside a bare PrismaClient + PrismaMariaDb app. Same
// measurement, targets and picture as silent-socket.mjs.
import { mysqlSkipReason } from '../lib/provider-fixture.mjs';
import { withMysqlTarget } from '../lib/outage-target.mjs';
import { measureSilentSocket } from './silent-socket.mjs';

export const name = 'silent-socket-mysql';
export const title = 'pooled MySQL (MariaDB) connections that go silent (no FIN/RST) under load, managed vs bare PrismaClient';
export const skipReason = mysqlSkipReason;

export const run = ({ quick, log }) => withMysqlTarget('silent', log, (target) => measureSilentSocket(target, { quick, log }));
