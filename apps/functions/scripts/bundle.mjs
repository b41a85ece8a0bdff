// How this app's functions are bundled: esbuild, as AWS CDK's NodejsFunction, SST and
// serverless-esbuild do. The tests and bench/ bundle with it, and the README's recipe is this call.
import { build } from 'esbuild';

/** The banner an ES module bundle needs: the CommonJS code inside it (pg, the Prisma clients) calls `require`. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * What a CommonJS bundle needs for the ES modules inside it that read `import.meta.url` (a
 * `prisma-client` output in ESM does, at load): esbuild leaves `import.meta` empty in CommonJS, so
 * it is defined as the bundle file's own URL.
 */
export const CJS_IMPORT_META_URL = {
  define: { 'import.meta.url': '__kustoImportMetaUrl' },
  banner: { js: "const __kustoImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

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
    ...(format === 'esm' ? { banner: { js: ESM_REQUIRE_BANNER } } : CJS_IMPORT_META_URL),
  });
}
