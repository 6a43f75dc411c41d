// The window's view of the license: one LicenseStatus per engine client, kept current by license.changed and
// quota.changed, read by the License view, the status bar item and every upgrade hint.
import type { EngineClient, LicenseStatus } from '@pa/shared';
import { Observable } from '../workbench/observable';

export class LicenseStore {
  readonly status = new Observable<LicenseStatus | null>(null);
  private readonly subscriptions;

  constructor(private readonly client: EngineClient) {
    this.subscriptions = [
      client.on('license.changed', (status) => this.status.set(status)),
      client.on('quota.changed', ({ items }) => this.status.update((status) => status && { ...status, quotas: items })),
    ];
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.status.set(await this.client.call('license.status'));
    } catch {
      // not connected yet; the next license.changed or refresh brings the status
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

const stores = new WeakMap<EngineClient, LicenseStore>();

export function licenseStoreFor(client: EngineClient): LicenseStore {
  let store = stores.get(client);
  if (!store) {
    store = new LicenseStore(client);
    stores.set(client, store);
  }
  return store;
}
