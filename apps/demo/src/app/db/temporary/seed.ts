// Seeds the temporary database with one item that lives an hour and one already expired.
// Run by `kusto-db seed -d temporary` (or the demo on first start) with RDS_TEMPORARY_URL set.
import { PrismaPg } from '@prisma/adapter-pg';
import generated from './client/index.js';

const { PrismaClient } = generated;
const url = process.env.RDS_TEMPORARY_URL;
if (!url) throw new Error('RDS_TEMPORARY_URL is not set: run the seed through `kusto-db seed -d temporary`.');
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });

try {
  if ((await prisma.temporaryItem.count()) === 0) {
    const now = Date.now();
    await prisma.temporaryItem.createMany({
      data: [
        { kind: 'upload', payload: { file: 'welcome.txt' }, expiresAt: new Date(now + 3_600_000) },
        { kind: 'session', payload: { user: 'ada@example.com' }, expiresAt: new Date(now - 60_000) },
      ],
    });
  }
  console.log(`temporary database seeded: ${await prisma.temporaryItem.count()} items`);
} finally {
  await prisma.$disconnect();
}
