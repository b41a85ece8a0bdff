// A stand-in for a function platform's runtime: loads a bundled handler once, then invokes it once
// per line on stdin (`invoke <database>`), printing each result as one JSON line. The test freezes
// and thaws this process between invocations, as Lambda does.
// argv: <bundled handler file>
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const file = process.argv[2];
const loaded = file.endsWith('.cjs') ? (await import(pathToFileURL(file).href)).default : await import(pathToFileURL(file).href);
const { handler } = loaded;
console.log('ready');
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [command, database] = line.trim().split(/\s+/);
  if (command !== 'invoke') continue;
  const started = performance.now();
  try {
    const result = await handler({ database });
    console.log(JSON.stringify({ ...result, ms: Math.round(performance.now() - started) }));
  } catch (error) {
    console.log(JSON.stringify({ statusCode: 500, body: String(error?.message ?? error) }));
  }
}
