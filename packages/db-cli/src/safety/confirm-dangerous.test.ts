import { expect, test } from '@jest/globals';
import { CONFIRMATION_ROUNDS, confirmDangerous, wrongCodeMessage, type ConfirmOptions } from './confirm-dangerous.js';
import type { PromptQuestion } from './prompt.js';

const ACTION = { action: 'push', database: 'user', consequence: 'changes its tables' };

/** A prompt that reads the code out of the question and answers with `answer(code, round)`. */
function person(answer: (code: string, round: number) => string | undefined) {
  const questions: string[] = [];
  const codes: string[] = [];
  const prompt = (question: PromptQuestion) => {
    questions.push(question.message);
    const code = /Type (\S+) to/.exec(question.message)![1]!;
    codes.push(code);
    return Promise.resolve(answer(code, codes.length));
  };
  return { prompt, questions, codes };
}

function options(overrides: Partial<ConfirmOptions>): ConfirmOptions {
  const err: string[] = [];
  return {
    interactive: true,
    prompt: () => Promise.reject(new Error('must not prompt')),
    io: { out: () => undefined, err: (line) => void err.push(line) },
    ...overrides,
  };
}

test(`typing back both codes (CONFIRMATION_ROUNDS = 2) confirms`, async () => {
  expect(CONFIRMATION_ROUNDS).toBe(2);
  const { prompt, questions } = person((code) => code);
  expect(await confirmDangerous(ACTION, options({ prompt }))).toEqual({ outcome: 'confirmed' });
  expect(questions).toHaveLength(2);
  expect(questions[0]).toMatch(/^\(1\/2\) Type [A-HJ-NP-Z2-9]{4} to push database "user"$/);
});

test('a wrong first code cancels without asking again', async () => {
  const { prompt, questions } = person(() => 'NOPE');
  const result = await confirmDangerous(ACTION, options({ prompt }));
  expect(result.outcome).toBe('cancelled');
  expect(result.message).toMatch(/"NOPE" is not [A-HJ-NP-Z2-9]{4}\. Nothing was changed/);
  expect(questions).toHaveLength(1);
});

test('a wrong second code cancels', async () => {
  const { prompt } = person((code, round) => (round === 1 ? code : code.toLowerCase() + 'x'));
  expect((await confirmDangerous(ACTION, options({ prompt }))).outcome).toBe('cancelled');
});

test('the code must match exactly: lower case or extra spaces cancel', async () => {
  for (const mangle of [(code: string) => code.toLowerCase(), (code: string) => ` ${code}`, (code: string) => `${code} `]) {
    const { prompt } = person((code) => (/^\d+$/.test(code) ? mangle(`${code}A`) : mangle(code)));
    expect((await confirmDangerous(ACTION, options({ prompt }))).outcome).toBe('cancelled');
  }
});

test('Ctrl+C at the prompt (no answer) cancels', async () => {
  const { prompt } = person(() => undefined);
  expect(await confirmDangerous(ACTION, options({ prompt }))).toEqual({ outcome: 'cancelled', message: 'Cancelled: nothing was changed.' });
});

test('codes differ between rounds and between runs', async () => {
  const seen: string[][] = [];
  for (let run = 0; run < 10; run++) {
    const { prompt, codes } = person((code) => code);
    await confirmDangerous(ACTION, options({ prompt }));
    seen.push(codes);
  }
  const all = seen.flat();
  expect(new Set(all).size).toBeGreaterThan(all.length - 2);
  expect(seen.filter(([first, second]) => first === second).length).toBeLessThan(2);
});

test('without a terminal it refuses, with a message naming --force, and never prompts', async () => {
  const result = await confirmDangerous(ACTION, options({ interactive: false }));
  expect(result.outcome).toBe('refused');
  expect(result.message).toMatch(/without a terminal.*--force/);
});

test('--force proceeds without prompting, with or without a terminal', async () => {
  expect(await confirmDangerous(ACTION, options({ interactive: false, force: true }))).toEqual({ outcome: 'forced' });
  expect(await confirmDangerous(ACTION, options({ interactive: true, force: true }))).toEqual({ outcome: 'forced' });
});

test('each question carries a validate that refuses a wrong code in place, saying what to type, and takes the right one', async () => {
  const verdicts: (true | string)[] = [];
  const prompt = (question: PromptQuestion) => {
    const code = /Type (\S+) to/.exec(question.message)![1]!;
    for (const typed of ['', code.toLowerCase(), ` ${code}`, `${code}X`, code]) verdicts.push(question.validate!(typed));
    return Promise.resolve(code);
  };
  expect(await confirmDangerous(ACTION, options({ prompt }))).toEqual({ outcome: 'confirmed' });
  expect(verdicts).toHaveLength(10);
  expect(verdicts.filter((verdict) => verdict === true)).toHaveLength(2);
  for (const verdict of verdicts.filter((verdict) => verdict !== true)) expect(verdict).toMatch(/^That is not [A-HJ-NP-Z2-9]{4}: type [A-HJ-NP-Z2-9]{4} exactly as shown, or press Ctrl\+C to cancel\.$/);
  expect(wrongCodeMessage('AB2C')).toBe('That is not AB2C: type AB2C exactly as shown, or press Ctrl+C to cancel.');
});
