// Records each package's Jest totals so `pnpm test` can print one closing line for the whole
// workspace ("N passed, N failed, N skipped") after turbo has interleaved every package's output.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.test-results');

export default class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    fs.mkdirSync(resultsDir, { recursive: true });
    const name = path.relative(path.join(resultsDir, '..'), this.rootDir).replaceAll(path.sep, '__') || 'root';
    const summary = {
      package: name,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      success: results.success,
    };
    fs.writeFileSync(path.join(resultsDir, `${name}.json`), JSON.stringify(summary));
  }
}
