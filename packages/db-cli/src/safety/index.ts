export { CODE_ALPHABET, CODE_LENGTH, createConfirmationCode, type RandomInt } from './confirmation-code.js';
export {
  CONFIRMATION_ROUNDS,
  confirmDangerous,
  type ConfirmationOutcome,
  type ConfirmationResult,
  type ConfirmOptions,
  type DangerousAction,
} from './confirm-dangerous.js';
export { countdown, DEFAULT_COUNTDOWN_SECONDS, resolveWaitSeconds, type CountdownOptions } from './countdown.js';
export { guardDangerous, isCommandResult, type GuardedTarget, type GuardOptions } from './guard-dangerous.js';
export { terminalPrompt, type PromptFn, type PromptQuestion } from './prompt.js';
