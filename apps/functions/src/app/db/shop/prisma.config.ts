// The URL is read from RDS_SHOP_URL by name, never written here (process.env: unset during generate is fine).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'schema.prisma',
  datasource: { url: process.env.RDS_SHOP_URL },
});
