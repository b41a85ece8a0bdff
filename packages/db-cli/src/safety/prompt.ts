import type { Readable, Writable } from 'node:stream';

/** A question for the person at the terminal. */
export interface PromptQuestion {
  readonly message: string;
  /**
   * Judges an answer before it is taken: `true` accepts it; a string refuses it in place (shown
   * under the answer, which stays open for another try or Ctrl+C). Default: every answer is taken.
   */
  readonly validate?: (answer: string) => true | string;
}

/** Asks one question; resolves with the accepted text, or `undefined` when the person aborted (Ctrl+C, Ctrl+D, Esc). */
export type PromptFn = (question: PromptQuestion) => Promise<string | undefined>;

/** Where {@link terminalPrompt} reads and writes. Default: `process.stdin` and `process.stdout`. */
export interface PromptStreams {
  readonly input: Readable;
  readonly output: Writable;
}

/**
 * {@link PromptFn} on the terminal, through the `prompts` package (a text prompt): the question,
 * what the person types, and the question's `validate` run on Enter. A refused answer is marked in
 * red with the reason under it and is never drawn as accepted (`✔` appears only for an answer
 * `validate` took). Ctrl+C, Ctrl+D or Esc resolve `undefined`. Call it only on a terminal
 * (`prompts` resolves with no answer when stdin is not one).
 */
export async function terminalPrompt(question: PromptQuestion, streams: PromptStreams = { input: process.stdin, output: process.stdout }): Promise<string | undefined> {
  const { default: prompts } = await import('prompts');
  let aborted = false;
  const answers = await prompts(
    { type: 'text', name: 'answer', message: question.message, validate: question.validate, stdin: streams.input, stdout: streams.output },
    {
      onCancel: () => {
        aborted = true;
        return false;
      },
    },
  );
  const answer: unknown = answers['answer'];
  return aborted || typeof answer !== 'string' ? undefined : answer;
}
