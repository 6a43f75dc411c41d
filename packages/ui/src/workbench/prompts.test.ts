import { describe, expect, it } from 'vitest';
import { Prompts } from './prompts';

const buttons = [
  { id: 'save', label: 'Save' },
  { id: 'cancel', label: 'Cancel' },
];

describe('Prompts', () => {
  it('shows a confirm dialog and resolves with the chosen button, then closes', async () => {
    let closed = 0;
    const prompts = new Prompts(() => closed++);
    const answer = prompts.confirm({ title: 'Save?', message: 'Unsaved changes.', buttons });
    const dialog = prompts.current.value;
    expect(dialog).toMatchObject({ kind: 'confirm', title: 'Save?' });
    dialog?.resolve('save');
    await expect(answer).resolves.toBe('save');
    expect(prompts.current.value).toBeNull();
    expect(closed).toBe(1);
  });

  it('resolves a prompt with the typed value, or null when dismissed', async () => {
    const prompts = new Prompts();
    const named = prompts.prompt({ title: 'New file', value: '', confirmLabel: 'Create', validate: () => null });
    prompts.current.value?.resolve('a.ts');
    await expect(named).resolves.toBe('a.ts');
    const dismissed = prompts.prompt({ title: 'New file', value: '', confirmLabel: 'Create', validate: () => null });
    prompts.current.value?.resolve(null);
    await expect(dismissed).resolves.toBeNull();
  });

  it('dismisses an open question when another one is asked', async () => {
    const prompts = new Prompts();
    const first = prompts.confirm({ title: 'First', message: '', buttons });
    const second = prompts.confirm({ title: 'Second', message: '', buttons });
    await expect(first).resolves.toBeNull();
    expect(prompts.current.value?.title).toBe('Second');
    prompts.current.value?.resolve('cancel');
    await expect(second).resolves.toBe('cancel');
  });
});
