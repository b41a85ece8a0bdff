// Records each package's Jest totals so `pnpm test` can print one closing line for the whole
// workspace ("N passed, N failed, N skipped") after turbo has interleaved every package's output,
// and what failed, so the end of a CI log (often all that is kept) says which test and why.
// A record saying the run started is written first and replaced by the results at the end: a
// Jest process that dies on the way (killed, an unhandled error) leaves the first, and
// scripts/test-summary.mjs counts that package as failed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const repositoryRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where the records go: `.test-results/` at the repository root, or `KUSTO_TEST_RESULTS_DIR` (the reporter's own test). */
const resultsDir = process.env.KUSTO_TEST_RESULTS_DIR ?? path.join(repositoryRoot, '.test-results');
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

/** The package's name from its package.json, else its folder relative to the repository. */
function packageName(rootDir) {
  try {
    const name = JSON.parse(fs.readFileSync(path.join(rootDir, 'package.json'), 'utf8')).name;
    if (typeof name === 'string' && name !== '') return name;
  } catch {
    // no package.json: the folder names it
  }
  return path.relative(repositoryRoot, rootDir).replaceAll(path.sep, '/') || 'root';
}

export default class SummaryReporter {
  constructor(globalConfig) {
    this.package = packageName(globalConfig.rootDir);
    this.file = path.join(resultsDir, `${this.package.replace(/[^A-Za-z0-9._-]+/g, '__')}.json`);
  }

  onRunStart() {
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(this.file, JSON.stringify({ package: this.package, node: process.version, finished: false }));
  }

  onRunComplete(_contexts, results) {
    fs.mkdirSync(resultsDir, { recursive: true });
    const summary = {
      package: this.package,
      // Which Node ran the tests, so a run under another Node (scripts/node-versions.mjs) shows it.
      node: process.version,
      finished: true,
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      success: results.success,
      failures: results.testResults.flatMap(failuresOf),
    };
    fs.writeFileSync(this.file, JSON.stringify(summary));
  }
}
