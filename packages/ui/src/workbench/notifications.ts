// Toast notifications: features and the workbench call notify(); each toast goes away on its own after a while
// (errors stay longest) or when dismissed. At most five show at once.
import { Observable } from './observable';

export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'warning' | 'error';
}

export const TOAST_MS = { info: 5000, warning: 8000, error: 10000 } as const;
const MAX_TOASTS = 5;

type Schedule = (run: () => void, ms: number) => unknown;

export class Notifications {
  readonly toasts = new Observable<Toast[]>([]);
  private nextId = 1;

  constructor(private readonly schedule: Schedule = (run, ms) => setTimeout(run, ms)) {}

  notify(message: string, kind: Toast['kind'] = 'info'): void {
    const toast = { id: this.nextId++, message, kind };
    this.toasts.update((toasts) => [...toasts, toast].slice(-MAX_TOASTS));
    this.schedule(() => this.dismiss(toast.id), TOAST_MS[kind]);
  }

  dismiss(id: number): void {
    this.toasts.update((toasts) =>
      toasts.some((toast) => toast.id === id) ? toasts.filter((t) => t.id !== id) : toasts,
    );
  }
}
