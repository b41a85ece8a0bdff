// tsc compiles src/ to dist/, a `prisma-client` output (TypeScript) with it, but does not copy a
// `prisma-client-js` output (JavaScript beside its declarations): copy each of those,
// src/app/db/<name>/client to dist/app/db/<name>/client, so the compiled registry's imports
// resolve there as they do in src/.
import fs from 'node:fs';
import path from 'node:path';

const root = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const databases = path.join(root, 'src', 'app', 'db');
for (const name of fs.readdirSync(databases)) {
  const client = path.join(databases, name, 'client');
  if (fs.existsSync(path.join(client, 'index.js'))) fs.cpSync(client, path.join(root, 'dist', 'app', 'db', name, 'client'), { recursive: true });
}
