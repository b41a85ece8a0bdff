// Records each package's Jest totals so `pnpm test` can print one closing line for the whole
// workspace ("N passed, N failed, N skipped") after turbo has interleaved every package's output,
// and what failed, so the end of a CI log (often all that is kept) says which test and why.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '.test-results');
const repositoryRoot = path.join(resultsDir, '..');
const linesPerFailure = 12;

function firstLines(message) {
  const lines = stripVTControlCharacters(message ?? '').split('\n').map((line) => line.trimEnd());
  // Jest's and Node's own stack frames say nothing about what failed.
  const ours = (line) => line !== '' && !(/^\s+at /.test(line) && /node_modules|node:internal|<anonymous>/.test(line));
  const kept = lines.filter(ours).slice(0, linesPerFailure);
  return kept.join('\n');
}

function failuresOf(fileResult) {
  const file = path.relative(repositoryRoot, fileResult.testFilePath);
  if (fileResult.testExecError) {
    return [{ file, test: '(the suite did not run)', message: firstLines(fileResult.testExecError.message) }];
  }
  const failedTests = fileResult.testResults.filter((test) => test.status === 'failed');
  if (failedTests.length === 0 && fileResult.failureMessage) {
    return [{ file, test: '(outside any test)', message: firstLines(fileResult.failureMessage) }];
  }
  return failedTests.map((test) => ({ file, test: test.fullName, message: firstLines(test.failureMessages.join('\n')) }));
}

export default class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    fs.mkdirSync(resultsDir, { recursive: true });
    const name = path.relative(repositoryRoot, this.rootDir).replaceAll(path.sep, '__') || 'root';
    const summary = {
      package: name,
      // Which Node ran the tests, so a run under another Node (scripts/node-versions.mjs) shows it.
      node: process.version,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      success: results.success,
      failures: results.testResults.flatMap(failuresOf),
    };
    fs.writeFileSync(path.join(resultsDir, `${name}.json`), JSON.stringify(summary));
  }
}
