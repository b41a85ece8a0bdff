import type { KustoDb } from '@kusto/db';
import { createMigrator, migratorOptionsForFolder, runSeed } from '@kusto/db-cli';

/**
 * Brings every database up to date with the native migration runner (no Prisma engine needed) and
 * seeds the ones that had no migration applied before: a first start gets demo data, later starts
 * keep whatever the database holds.
 */
export async function prepareDatabases(manager: KustoDb, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  for (const name of manager.names()) {
    const folder = manager.folder(name);
    const url = env[manager.statusOf(name).envVar];
    if (!url) throw new Error(`${manager.statusOf(name).envVar} is not set`);
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
