import readline from 'node:readline/promises';

/** A question for the person at the terminal. */
export interface PromptQuestion {
  readonly message: string;
}

/** Asks one question; resolves with the typed text, or `undefined` when the person aborted (Ctrl+C, Ctrl+D). */
export type PromptFn = (question: PromptQuestion) => Promise<string | undefined>;

/** Where {@link terminalPrompt} reads and writes. Default: `process.stdin` and `process.stdout`. */
export interface PromptStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/**
 * {@link PromptFn} on the terminal, through Node's own `readline`: the question, then what the
 * person types, echoed as typed and judged by the caller only (no ✔ or ✖ is drawn here, so a
 * wrong code is never shown as accepted). Ctrl+C or end of input resolves `undefined`.
 */
export async function terminalPrompt(question: PromptQuestion, streams: PromptStreams = { input: process.stdin, output: process.stdout }): Promise<string | undefined> {
  const rl = readline.createInterface({ input: streams.input, output: streams.output, terminal: Boolean(streams.output.isTTY) });
  const controller = new AbortController();
  const abort = () => controller.abort();
  rl.on('SIGINT', abort);
  rl.on('close', abort);
  try {
    return await rl.question(`? ${question.message} › `, { signal: controller.signal });
  } catch {
    streams.output.write('\n');
    return undefined;
  } finally {
    rl.off('close', abort);
    rl.close();
  }
}
