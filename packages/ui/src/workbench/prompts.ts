// The workbench's modal questions: confirm (several labelled choices) and prompt (a name to type). One shows at a
// time; each call resolves with the choice, or null when dismissed.
import { Observable } from './observable';

export interface DialogButton {
  id: string;
  label: string;
  variant?: 'primary' | 'danger' | 'secondary';
}

export interface ConfirmOptions {
  title: string;
  message: string;
  buttons: DialogButton[];
}

export interface PromptOptions {
  title: string;
  value: string;
  placeholder?: string;
  confirmLabel: string;
  /** A sentence saying what is wrong with the value, or null when it can be used. */
  validate(value: string): string | null;
}

export type Dialog =
  | (ConfirmOptions & { kind: 'confirm'; resolve(id: string | null): void })
  | (PromptOptions & { kind: 'prompt'; resolve(value: string | null): void });

export class Prompts {
  readonly current = new Observable<Dialog | null>(null);

  /** @param onDidClose runs after each answer (the workbench gives focus back to the editor). */
  constructor(private readonly onDidClose: () => void = () => undefined) {}

  confirm(options: ConfirmOptions): Promise<string | null> {
    return new Promise((resolve) => {
      this.show({ kind: 'confirm', ...options, resolve: (id) => this.answer(() => resolve(id)) });
    });
  }

  prompt(options: PromptOptions): Promise<string | null> {
    return new Promise((resolve) => {
      this.show({ kind: 'prompt', ...options, resolve: (value) => this.answer(() => resolve(value)) });
    });
  }

  private show(dialog: Dialog): void {
    // a new question replaces one left open; the old one counts as dismissed
    this.current.value?.resolve(null);
    this.current.set(dialog);
  }

  private answer(settle: () => void): void {
    this.current.set(null);
    this.onDidClose();
    settle();
  }
}
