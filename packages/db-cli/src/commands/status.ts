import type { KustoCommand } from '../command.js';
import type { GlobalArgs } from '../global-options.js';
import { runStatus, STATUS_OPTIONS } from './migrate/status.js';

export interface StatusArgs extends GlobalArgs {
  readonly json: boolean | undefined;
}

/** `status`: the short form of `migrate -t status`, with the same options and exit codes. */
export const statusCommand: KustoCommand<StatusArgs> = {
  command: 'status',
  describe: 'Short for migrate -t status: applied / pending / failed / edited / missing migrations (exit 1 unless up to date)',
  builder: (yargs) => yargs.options(STATUS_OPTIONS),
  run: (args, context) => runStatus(args, context, 'status'),
};
