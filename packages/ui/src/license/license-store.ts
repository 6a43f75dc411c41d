// The window's view of the license: one LicenseStatus per engine client, kept current by license.changed and
// quota.changed, read by the License view, the status bar item and every upgrade hint.
import { DisposableStore, type EngineClient, type LicenseStatus } from '@pa/shared';
import { Observable } from '../workbench/observable';

export class LicenseStore {
  readonly status = new Observable<LicenseStatus | null>(null);
  private readonly subscriptions = new DisposableStore();

  constructor(private readonly client: EngineClient) {
    this.subscriptions.add(client.on('license.changed', (status) => this.status.set(status)));
    this.subscriptions.add(
      client.on('quota.changed', ({ items }) => this.status.update((status) => status && { ...status, quotas: items })),
    );
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
    this.subscriptions.dispose();
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
