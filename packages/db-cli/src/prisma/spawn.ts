import type { ChildProcess, SpawnOptions } from 'node:child_process';

/** Starts `command` with `args` as an argv array (never through a shell). */
export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
