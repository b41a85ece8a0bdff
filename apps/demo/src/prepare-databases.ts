import type { KustoDb } from '@kusto/db';
import { createMigrator, migratorOptionsForFolder, runSeed } from '@kusto/migrate';

/**
 * Brings every database up to date with the native migration runner (no Prisma engine needed) and
 * seeds the ones that had no migration applied before: a first start gets demo data, later starts
 * keep whatever the database holds. Migrations take a session lock, so they run on the database's
 * session URL: `RDS_<NAME>_DIRECT_URL` when the app's URL goes through a pooler.
 */
export async function prepareDatabases(manager: KustoDb, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  // Every URL first: a missing or pooled-only one stops the start before any database changes.
  const targets = manager.names().map((name) => ({ name, folder: manager.folder(name), url: manager.sessionUrl(name) }));
  for (const { name, folder, url } of targets) {
    const migrator = createMigrator(migratorOptionsForFolder(folder, url));
    const before = await migrator.status();
    if (before.error) throw new Error(`cannot read the migrations of ${name}: ${before.error.message}`);
    const firstStart = before.counts.applied === 0;

    const deployed = await migrator.deploy();
    if (!deployed.ok) throw new Error(`migrating ${name} failed: ${deployed.error?.message ?? 'unknown error'}`);
    const applied = deployed.results.filter((result) => result.status === 'succeeded').map((result) => result.name);
    log(applied.length > 0 ? `${name}: applied ${applied.join(', ')}` : `${name}: migrations up to date`);

    if (firstStart) {
      const seeded = await runSeed({ folder, env, url, onOutput: (line) => log(`${name} seed: ${line}`) });
      if (!seeded.ok) throw new Error(`seeding ${name} failed`);
    }
  }
}
