// What the completion status item says: on, off (everywhere or for the active file's language), snoozed for a few
// minutes, no model to complete with, or the file excluded by .aiignore — and the model in use. Pure.

export type CompletionPhase = 'on' | 'off' | 'off-language' | 'snoozed' | 'no-model' | 'excluded';

export const SNOOZE_MS = 5 * 60_000;

export interface CompletionInputs {
  enabled: boolean;
  disabledLanguages: readonly string[];
  /** The active editor's language, or null when no file is active. */
  language: string | null;
  activeExcluded: boolean;
  snoozedUntil: number | null;
  /** False once the engine said no provider serves completions. */
  modelAvailable: boolean;
  model: string | null;
  now: number;
}

export interface CompletionStatus {
  phase: CompletionPhase;
  language: string | null;
  model: string | null;
  snoozedUntil: number | null;
}

export function statusOf(inputs: CompletionInputs): CompletionStatus {
  const snoozed = inputs.snoozedUntil !== null && inputs.snoozedUntil > inputs.now;
  const phase: CompletionPhase = !inputs.enabled
    ? 'off'
    : inputs.language !== null && inputs.disabledLanguages.includes(inputs.language)
      ? 'off-language'
      : snoozed
        ? 'snoozed'
        : !inputs.modelAvailable
          ? 'no-model'
          : inputs.activeExcluded
            ? 'excluded'
            : 'on';
  return {
    phase,
    language: inputs.language,
    model: inputs.model,
    snoozedUntil: snoozed ? inputs.snoozedUntil : null,
  };
}

/** Whether a suggestion may be asked for now. */
export function suggesting(status: CompletionStatus): boolean {
  return status.phase === 'on';
}

export function statusLabel(status: CompletionStatus, now: number): string {
  switch (status.phase) {
    case 'on':
      return status.model ? `Completion: ${status.model}` : 'Completion: on';
    case 'off':
      return 'Completion: off';
    case 'off-language':
      return `Completion: off for ${status.language}`;
    case 'snoozed': {
      const minutes = Math.max(1, Math.ceil(((status.snoozedUntil ?? now) - now) / 60_000));
      return `Completion: snoozed ${minutes} min`;
    }
    case 'no-model':
      return 'Completion: no model';
    case 'excluded':
      return 'Completion: .aiignore';
  }
}

export function statusTitle(status: CompletionStatus): string {
  const model = status.model ? `\nModel: ${status.model}` : '';
  switch (status.phase) {
    case 'on':
      return `Inline suggestions are on (Tab accepts, Ctrl+→ accepts a word, Esc dismisses).${model}`;
    case 'off':
      return 'Inline suggestions are off (Settings › Code Completion).';
    case 'off-language':
      return `Inline suggestions are off for ${status.language} files.`;
    case 'snoozed':
      return `Inline suggestions are snoozed.${model}`;
    case 'no-model':
      return 'No model serves code completion: add a local model in Settings › AI, or a provider with the completion task.';
    case 'excluded':
      return "The workspace's .aiignore excludes this file: it gets no suggestions and is sent to no model.";
  }
}
