// Scenario: `kusto-db studio -d user` while Prisma runs; the test sends this process SIGINT.
// argv: <project dir>. Environment: FAKE_PRISMA_LOG, FAKE_PRISMA_SLEEP_MS, RDS_USER_URL.
import { runCli } from '../../cli.js';

process.exitCode = await runCli(['studio', '-d', 'user'], { cwd: process.argv[2]!, interactive: false });
