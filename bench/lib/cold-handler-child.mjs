// Child process for the bundle benchmark: a fresh Node process loads a Lambda-style handler (the
// esbuild bundle, or the compiled app beside its node_modules) and serves one invocation, a query on
// Postgres. Prints the time since the process started (performance.timeOrigin) at its answer.
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
const loaded = await import(pathToFileURL(file).href);
const { handler } = file.endsWith('.cjs') ? loaded.default : loaded;
const result = await handler({ database: 'main' });
const firstQuery = performance.now();
if (result.statusCode !== 200) throw new Error(`invocation answered ${result.statusCode}: ${result.body}`);
process.stdout.write(JSON.stringify({ firstQuery }));
process.exit(0);
