import { expect, test } from '@jest/globals';
import { parseSchema } from './schema-file.js';

test('reads provider, generator and output of a Prisma 7 schema', () => {
  const info = parseSchema(`
    // the user database
    generator client {
      provider = "prisma-client-js"
      output   = "./client" // generated here
    }

    datasource db {
      provider = "postgresql"
    }

    model User { id Int @id }
  `);
  expect(info).toEqual({
    provider: 'postgresql',
    urlEnv: undefined,
    hasUrl: false,
    generatorProvider: 'prisma-client-js',
    generatorOutput: './client',
    generatorModuleFormat: undefined,
    generatedFileExtension: undefined,
    importFileExtension: undefined,
    generatorCount: 1,
  });
});

test('recognises the Prisma 6 style url = env("X")', () => {
  const info = parseSchema(`datasource db {\n  provider = "mysql"\n  url      = env("LEGACY_DB_URL")\n}`);
  expect(info.provider).toBe('mysql');
  expect(info.urlEnv).toBe('LEGACY_DB_URL');
  expect(info.hasUrl).toBe(true);
});

test('a literal url is reported as present but gives no variable', () => {
  const info = parseSchema(`datasource db {\n provider = "postgresql"\n url = "postgresql://a:b@h/d" // x\n}`);
  expect(info.hasUrl).toBe(true);
  expect(info.urlEnv).toBeUndefined();
});

test('commented-out blocks and fields are ignored, and a schema without blocks yields nothing', () => {
  expect(parseSchema('// datasource db {\n//  provider = "sqlite"\n// }\n')).toEqual({
    provider: undefined,
    urlEnv: undefined,
    hasUrl: false,
    generatorProvider: undefined,
    generatorOutput: undefined,
    generatorModuleFormat: undefined,
    generatedFileExtension: undefined,
    importFileExtension: undefined,
    generatorCount: 0,
  });
  expect(parseSchema('datasource db {\n  // url = env("OLD")\n  provider = "sqlite"\n}').hasUrl).toBe(false);
});

test("reads the prisma-client generator's module format and file extensions (an empty import extension included)", () => {
  const info = parseSchema(`generator client {
  provider               = "prisma-client"
  output                 = "generated"
  moduleFormat           = "cjs"
  generatedFileExtension = "mts"
  importFileExtension    = ""
}
generator docs {
  provider = "prisma-docs"
}`);
  expect(info).toMatchObject({
    generatorProvider: 'prisma-client',
    generatorOutput: 'generated',
    generatorModuleFormat: 'cjs',
    generatedFileExtension: 'mts',
    importFileExtension: '',
    generatorCount: 2,
  });
});
