// How this app's functions are bundled: esbuild, as AWS CDK's NodejsFunction, SST and
// serverless-esbuild do. The tests and bench/ bundle with it, and the README's recipe is this call.
import { build } from 'esbuild';

/** The banner an ES module bundle needs: the CommonJS code inside it (pg, the Prisma clients) calls `require`. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Bundles `entry` into the single file `outfile` for Node 20+ in `format` (`esm` or `cjs`).
 * `pg-native` (pg's optional native binding, never used) stays out.
 */
export async function bundleFunction({ entry, outfile, format }) {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    outfile,
    logLevel: 'silent',
    external: ['pg-native'],
    ...(format === 'esm' ? { banner: { js: ESM_REQUIRE_BANNER } } : {}),
  });
}
