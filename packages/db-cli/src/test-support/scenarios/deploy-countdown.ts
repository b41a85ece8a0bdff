// Scenario: `kusto-db migrate -t deploy -d user` with the real countdown; the test sends this
// process SIGINT while it counts down. argv: <project dir>. Environment: RDS_USER_URL.
import { runCli } from '../../cli.js';

process.exitCode = await runCli(['migrate', '-t', 'deploy', '-d', 'user'], { cwd: process.argv[2]!, interactive: false });
