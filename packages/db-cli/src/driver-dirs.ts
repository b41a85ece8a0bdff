import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where drivers are looked for after the project (the runner looks upwards from the database
 * folder first): kusto-db's own install, which carries `pg` and `pg-cursor`, so a global `kusto-db`
 * uses the project's drivers when it has them and its own otherwise.
 */
export const CLI_DRIVER_DIRS: readonly string[] = [path.dirname(fileURLToPath(import.meta.url))];
