/** A question for the person at the terminal. */
export interface PromptQuestion {
  readonly message: string;
}

/** Asks one question; resolves with the typed text, or `undefined` when the person aborted (Ctrl+C, Esc). */
export type PromptFn = (question: PromptQuestion) => Promise<string | undefined>;

/** {@link PromptFn} on the real terminal, through the `prompts` package. */
export async function terminalPrompt(question: PromptQuestion): Promise<string | undefined> {
  const { default: prompts } = await import('prompts');
  let aborted = false;
  const answers = await prompts(
    { type: 'text', name: 'value', message: question.message },
    {
      onCancel: () => {
        aborted = true;
      },
    },
  );
  const value: unknown = answers['value'];
  return aborted || typeof value !== 'string' ? undefined : value;
}
