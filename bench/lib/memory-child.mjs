// Child process for the memory benchmark (run with --expose-gc). Modes:
//   empty   – Node with nothing loaded (what every process costs)
//   bare    – one bare PrismaClient with PrismaPg, one query
//   kusto1  – the manager with one database used (one query)
//   kusto4  – the manager with four databases used (one query each)
// After the work: gc, a short pause, gc, then RSS and heap are printed.
const [mode, project] = process.argv.slice(2);
const settle = async () => {
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, 150));
  globalThis.gc();
};

let close = async () => {};
if (mode === 'bare') {
  const { createRequire } = await import('node:module');
  const path = await import('node:path');
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const require = createRequire(path.join(project, 'package.json'));
  const { PrismaClient } = require(path.join(project, 'src', 'app', 'db', 'user', 'client'));
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.RDS_USER_URL, max: 10 }) });
  if (!(await client.user.findUnique({ where: { id: 1 } }))) throw new Error('no row');
  close = () => client.$disconnect();
} else if (mode === 'kusto1' || mode === 'kusto4') {
  const { createKustoDb } = await import('@kusto/db');
  const db = createKustoDb({ cwd: project, profile: 'traditional' });
  const users = await db.getClient('user');
  if (!(await users.user.findUnique({ where: { id: 1 } }))) throw new Error('no row');
  if (mode === 'kusto4') {
    await (await db.getClient('event')).event.findFirst();
    await (await db.getClient('note')).note.findFirst();
    await (await db.getClient('audit')).audit.findFirst();
  }
  close = () => db.disconnectAll();
} else if (mode !== 'empty') {
  throw new Error(`unknown mode ${mode}`);
}
await settle();
const { rss, heapUsed, external } = process.memoryUsage();
await close();
process.stdout.write(JSON.stringify({ rss, heapUsed, external }));
