// Child process for the cold-start benchmark: a fresh Node process creates a manager over a project
// and runs its first query. Prints the time since the process started (performance.timeOrigin).
import { createKustoDb } from '@kusto/db';

const project = process.argv[2];
const imported = performance.now();
const db = createKustoDb({ cwd: project, profile: 'traditional' });
const client = await db.getClient('user');
const row = await client.user.findUnique({ where: { id: 1 } });
const firstQuery = performance.now();
if (!row) throw new Error('no row');
const databases = db.names().length;
await db.disconnectAll();
process.stdout.write(JSON.stringify({ imported, firstQuery, databases }));
