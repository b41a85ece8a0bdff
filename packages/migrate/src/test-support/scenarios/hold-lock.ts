// A second process that takes the migration lock the way a migrator does and holds it until its
// stdin closes: `node --import tsx hold-lock.ts <provider> <url>`. Prints `locked` once it holds it.
import { MIGRATION_PROVIDERS } from '../../options.js';

const [provider, url] = process.argv.slice(2);
const connection = await MIGRATION_PROVIDERS[provider!]!({ database: 'holder', url: url!, connectTimeoutMs: 10_000 });
if (!(await connection.acquireLock(10_000))) {
  process.stdout.write('busy\n');
  process.exit(1);
}
process.stdout.write('locked\n');
process.stdin.resume();
process.stdin.on('end', () => {
  void connection
    .releaseLock()
    .then(() => connection.close())
    .then(() => process.exit(0));
});
