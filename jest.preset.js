// Shared Jest configuration: native ESM, TypeScript through @swc/jest (no type-check here:
// `pnpm typecheck` does that), one real Postgres per run from @kusto/test-servers.
// `unitOnly` (jest.unit.config.js, `pnpm test:unit`): the `*.test.ts` files alone, no server.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** @returns {import('jest').Config} */
export function createJestConfig({ sharedPostgres = true, unitOnly = false } = {}) {
  return {
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: {
      '^.+\\.ts$': [
        require.resolve('@swc/jest'),
        {
          swcrc: false,
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'es6' },
        },
      ],
    },
    // Sources import siblings as `./x.js` (NodeNext); Jest resolves the `.ts` file.
    moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
    testMatch: ['<rootDir>/src/**/*.test.ts'],
    ...(unitOnly ? { testPathIgnorePatterns: ['/node_modules/', '\\.int\\.test\\.ts$'] } : {}),
    testTimeout: 30_000,
    ...(sharedPostgres && !unitOnly
      ? {
          globalSetup: path.join(root, 'packages/test-servers/dist/jest/global-setup.js'),
          globalTeardown: path.join(root, 'packages/test-servers/dist/jest/global-teardown.js'),
        }
      : {}),
    reporters: ['default', path.join(root, 'scripts/jest-summary-reporter.js')],
  };
}
