import { KustoDbError } from '@kusto/db';
import { runCli } from '../cli.js';

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (error) {
  // Errors the user can act on are one line; anything else is a bug and keeps its stack.
  if (error instanceof KustoDbError) process.stderr.write(`kusto-db: ${error.message}\n`);
  else process.stderr.write(`kusto-db: unexpected error\n${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
}
