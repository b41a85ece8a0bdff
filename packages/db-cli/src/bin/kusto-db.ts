import { runCli } from '../cli.js';
import { isClosedPipe } from '../context.js';
import { isUserError } from '../errors.js';

// `kusto-db list | head -1`: the reader went away. Output stops there, quietly, as with any other
// tool; a command that is running work it can cancel hears it as an interrupt (see createProcessInterrupts).
process.stdout.on('error', (error) => {
  if (!isClosedPipe(error)) throw error;
});

try {
  process.exitCode = await runCli(process.argv.slice(2));
} catch (error) {
  // runCli prints mistakes the user can fix as one line; whatever reaches here is a bug and keeps its stack.
  if (isUserError(error)) process.stderr.write(`kusto-db: ${error.message}\n`);
  else process.stderr.write(`kusto-db: unexpected error\n${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
}
