// The License view's behaviour outside React: the license status (shared with the status item and every upgrade
// hint), activating or removing a license, the offline device activation, the OS file picker, and one busy flag
// and error message for all of them. The view keeps only what is being typed.
import { type Disposable, errorMessage, type LicenseStatus } from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { licenseStoreFor } from './license-store';

export interface LicenseActivity {
  /** An action is under way: the view disables the others. */
  busy: boolean;
  /** Why the last action failed, until the next one starts. */
  error: string | null;
}

export type LicenseApi = Pick<WorkbenchApi, 'client' | 'native' | 'notify'>;

/** Offers text as a file the user saves (the activation request). */
export type SaveText = (name: string, text: string) => void;

const LICENSE_FILE = { title: 'Choose a license file', extensions: ['txt', 'lic', 'pa'] };

export class LicenseController implements Disposable {
  readonly status: Observable<LicenseStatus | null>;
  readonly activity = new Observable<LicenseActivity>({ busy: false, error: null });
  private disposed = false;

  constructor(
    private readonly api: LicenseApi,
    private readonly saveText: SaveText = downloadText,
  ) {
    this.status = licenseStoreFor(api.client).status;
  }

  /** Electron's file picker is there; in browser mode the view offers the page's file input instead. */
  get picksNatively(): boolean {
    return this.api.native !== null;
  }

  /** Asks the OS picker for a license or certificate file; null when cancelled, failed (error shown) or no picker. */
  async pickTextFile(): Promise<string | null> {
    if (!this.api.native) return null;
    try {
      return (await this.api.native.pickTextFile(LICENSE_FILE))?.text ?? null;
    } catch (error) {
      this.showError(error);
      return null;
    }
  }

  /** Installs a license key. Resolves true once it is in force (the view then clears its input). */
  activate(key: string): Promise<boolean> {
    return this.run(async () => {
      await this.api.client.call('license.activate', { key: key.trim() });
      if (!this.disposed) this.api.notify('License activated.', 'info');
    });
  }

  remove(): Promise<boolean> {
    return this.run(() => this.api.client.call('license.remove'));
  }

  /** The device activation request, offered as a file to send to the vendor. */
  exportActivationRequest(): Promise<boolean> {
    return this.run(async () => {
      const { request } = await this.api.client.call('license.activationRequest');
      this.saveText('activation-request.txt', request);
    });
  }

  installCertificate(certificate: string): Promise<boolean> {
    return this.run(() => this.api.client.call('license.installCertificate', { certificate: certificate.trim() }));
  }

  dispose(): void {
    this.disposed = true;
  }

  /** One action at a time: busy while it runs, its failure kept as the error; resolves whether it succeeded. */
  private async run(action: () => Promise<unknown>): Promise<boolean> {
    if (this.activity.value.busy) return false;
    this.activity.set({ busy: true, error: null });
    try {
      await action();
      this.activity.set({ busy: false, error: null });
      return true;
    } catch (error) {
      this.activity.set({ busy: false, error: errorMessage(error) });
      return false;
    }
  }

  private showError(error: unknown): void {
    this.activity.set({ ...this.activity.value, error: errorMessage(error) });
  }
}

/** The page's download of a text file (an object URL on an <a download>). */
function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
