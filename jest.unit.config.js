// The unit tests of the package Jest runs in (`*.test.ts`, not `*.int.test.ts`), with no server:
// each package's `test:unit` script points here, and `pnpm test:unit` runs them all.
import { createJestConfig } from './jest.preset.js';

export default { ...createJestConfig({ unitOnly: true }), rootDir: process.cwd() };
