// long-outage on MySQL: a real MariaDB of its own (lib/outage-target.mjs) stopped for 30 s, twice
// (quick: once for 10 s), managed app beside a bare PrismaClient + PrismaMariaDb app under the same
// open-loop load. Same measurement, targets and picture as long-outage.mjs.
import { mysqlSkipReason } from '../lib/provider-fixture.mjs';
import { withMysqlTarget } from '../lib/outage-target.mjs';
import { measureLongOutages } from './long-outage.mjs';

export const name = 'long-outage-mysql';
export const title = 'long MySQL (MariaDB) outage under load: recovery lag and probe rate, managed vs bare PrismaClient';
export const skipReason = mysqlSkipReason;

export const run = ({ quick, log }) => withMysqlTarget('outage', log, (target) => measureLongOutages(target, { outages: quick ? [10_000] : [30_000, 30_000], log }));
