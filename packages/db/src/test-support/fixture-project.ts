import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureProject as createFixture } from '@kusto/test-servers/prisma-fixtures';

export { EVENT_MODELS, NOTE_MODELS, schemaFor, USER_MODELS } from '@kusto/test-servers/prisma-fixtures';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A generated fixture project inside this package (see `@kusto/test-servers/prisma-fixtures`). */
export function fixtureProject(databases: Readonly<Record<string, string>>, withoutClient: readonly string[] = []): Promise<string> {
  return createFixture({ packageDir, databases, withoutClient });
}
