// Model settings › Sent to remote models: the engine's record of every request it handed to a network provider
// (`ai.sent.*`, engine ai/sent-log.ts), newest first, each one openable to read exactly what was sent. Refreshed
// when the view shows and while it stays open (with the providers' figures); clearing asks first.
import { errorMessage, type SentRequest, type SentRequestSummary } from '@pa/shared';
import { Observable } from '../workbench/observable';
import type { ModelsApi } from './models-controller';

/** Requests the view lists (the engine keeps more; `pa models sent --limit` reads them). */
export const SENT_LIST_LIMIT = 50;

export interface SentState {
  items: SentRequestSummary[];
  /** The request opened in full, or null. */
  open: SentRequest | null;
  error: string | null;
}

export class SentController {
  readonly state = new Observable<SentState>({ items: [], open: null, error: null });

  constructor(private readonly api: ModelsApi) {}

  async refresh(): Promise<void> {
    try {
      const { items } = await this.api.client.call('ai.sent.list', { limit: SENT_LIST_LIMIT });
      this.state.update((state) => ({ ...state, items, error: null }));
    } catch (error) {
      this.state.update((state) => ({ ...state, error: errorMessage(error) }));
    }
  }

  /** Opens one request whole; asking for the open one again closes it. */
  async toggle(id: number): Promise<void> {
    if (this.state.value.open?.id === id) {
      this.state.update((state) => ({ ...state, open: null }));
      return;
    }
    try {
      const { request } = await this.api.client.call('ai.sent.get', { id });
      this.state.update((state) => ({
        ...state,
        open: request,
        error: request ? null : 'That request is no longer kept.',
      }));
    } catch (error) {
      this.state.update((state) => ({ ...state, error: errorMessage(error) }));
    }
  }

  async clear(): Promise<void> {
    const count = this.state.value.items.length;
    const choice = await this.api.confirm({
      title: 'Forget what was sent to remote models?',
      message: `The record of ${count === SENT_LIST_LIMIT ? `${count} or more` : count} request${count === 1 ? '' : 's'} is deleted from this machine. What the providers received is not affected.`,
      buttons: [
        { id: 'clear', label: 'Forget', variant: 'danger' },
        { id: 'cancel', label: 'Cancel', variant: 'secondary' },
      ],
    });
    if (choice !== 'clear') return;
    try {
      await this.api.client.call('ai.sent.clear', {});
      this.state.set({ items: [], open: null, error: null });
    } catch (error) {
      this.state.update((state) => ({ ...state, error: errorMessage(error) }));
    }
    await this.refresh();
  }
}
