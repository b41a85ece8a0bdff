// Seeds the user database with a few users, profiles and posts. Idempotent (upserts by email).
// Run by `kusto-db seed -d user` (or the demo on first start) with RDS_USER_URL set.
import { PrismaPg } from '@prisma/adapter-pg';
import generated from './client/index.js';

const { PrismaClient } = generated;
const url = process.env.RDS_USER_URL;
if (!url) throw new Error('RDS_USER_URL is not set: run the seed through `kusto-db seed -d user`.');
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });

const people = [
  { email: 'ada@example.com', name: 'Ada Lovelace', bio: 'Wrote the first program.', post: 'Notes on the Analytical Engine' },
  { email: 'grace@example.com', name: 'Grace Hopper', bio: 'Found the first bug.', post: 'On compilers' },
];

try {
  for (const person of people) {
    const existing = await prisma.user.findUnique({ where: { email: person.email } });
    if (existing) continue;
    await prisma.user.create({
      data: {
        email: person.email,
        name: person.name,
        profile: { create: { bio: person.bio } },
        posts: { create: [{ title: person.post, body: `${person.post}, by ${person.name}.`, published: true }] },
      },
    });
  }
  console.log(`user database seeded: ${await prisma.user.count()} users, ${await prisma.post.count()} posts`);
} finally {
  await prisma.$disconnect();
}
