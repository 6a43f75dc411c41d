import type { RunDetail } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { outputText } from './output-controller';

const step = (seq: number, name: string, logs: string, error: string | null = null) => ({
  seq,
  stepId: name,
  name,
  kind: 'run' as const,
  iteration: 0,
  state: error ? ('failed' as const) : ('succeeded' as const),
  input: null,
  output: null,
  logs,
  error,
  startedAt: 0,
  finishedAt: 1,
});

describe('outputText', () => {
  it("shows each step's output under its name, the error of a failed one after it, and skips silent steps", () => {
    const run = {
      steps: [step(1, 'install', 'added 3 packages\n'), step(2, 'quiet', ''), step(3, 'test', 'FAIL a\n', 'exit 1')],
    };
    expect(outputText(run as unknown as RunDetail)).toBe(
      '── install (succeeded) ──\nadded 3 packages\n\n── test (failed) ──\nFAIL a\n\nexit 1\n',
    );
  });
});
