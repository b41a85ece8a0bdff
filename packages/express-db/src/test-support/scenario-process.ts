import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the child-process apps (`*.mjs`) that tests signal, freeze or stop. */
export const SCENARIOS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');

export interface ScenarioProcess {
  readonly process: ChildProcess;
  readonly port: number;
  /** Resolves with the exit code once it exits. */
  readonly exited: Promise<number | null>;
  /** Its standard output so far. */
  output(): string;
}

/** Starts `scenarios/<file>` with `args`; resolves once it prints `listening <port>`. */
export async function startScenario(file: string, args: readonly string[]): Promise<ScenarioProcess> {
  const started = spawn(process.execPath, [path.join(SCENARIOS_DIR, file), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    started.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    started.once('exit', (code) => reject(new Error(`${file} exited early with ${code}: ${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => started.once('exit', resolve));
  return { process: started, port, exited, output: () => output };
}
