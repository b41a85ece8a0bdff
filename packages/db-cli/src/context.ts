/** Where output goes. Injected so tests read what a command printed without patching globals. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The world a command runs in. Every field has a real default in {@link resolveContext}. */
export interface CliContext {
  /** Project directory that relative paths start from. Default `process.cwd()`. */
  readonly cwd: string;
  /** Environment the database URLs are read from. Default `process.env`. */
  readonly env: NodeJS.ProcessEnv;
  readonly io: CliIo;
  /** Whether a person can answer prompts. Default: stdin and stdout are TTYs. */
  readonly interactive: boolean;
}

export function resolveContext(partial: Partial<CliContext> = {}): CliContext {
  return {
    cwd: partial.cwd ?? process.cwd(),
    env: partial.env ?? process.env,
    io: partial.io ?? {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    },
    interactive: partial.interactive ?? Boolean(process.stdin.isTTY && process.stdout.isTTY),
  };
}
