// Prisma CLI settings for the temporary database. The URL is read from RDS_TEMPORARY_URL by name and never
// written here; when it is unset (e.g. during `kusto-db generate`) Prisma gets no URL instead of
// failing, which is why this uses process.env rather than Prisma's env() helper (that one throws).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations', seed: 'tsx seed.ts' },
  datasource: { url: process.env.RDS_TEMPORARY_URL },
});
