import { ErrorCode, type LicenseStatus, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { deferred, FakeEngine } from '../testing/fake-engine';
import type { NativeServices } from '../workbench/contributions';
import { LicenseController } from './license-controller';

/** What the engine answers for the free personal edition (what activate, remove and install answer here too). */
const PERSONAL: LicenseStatus = {
  state: 'none',
  edition: 'personal',
  readOnly: false,
  license: null,
  daysLeft: null,
  graceEndsAt: null,
  rejection: null,
  warning: null,
  device: { bound: false, activated: false, fingerprint: 'f1' },
  features: [],
  models: [],
  components: [],
  collabParticipants: null,
  quotas: [],
  keychain: 'available',
};

function setup(native: NativeServices | null = null) {
  const engine = new FakeEngine();
  const toasts: string[] = [];
  const saved: Array<{ name: string; text: string }> = [];
  const license = new LicenseController(
    { client: engine.client, native, notify: (message) => toasts.push(message) },
    (name, text) => saved.push({ name, text }),
  );
  return { engine, license, toasts, saved };
}

const nativePicker = (pick: NativeServices['pickTextFile']): NativeServices => ({
  pickFolder: async () => null,
  pickTextFile: pick,
});

describe('LicenseController', () => {
  it('is busy while an activation runs, then says so and resolves true', async () => {
    const { engine, license, toasts } = setup();
    const answer = deferred<LicenseStatus>();
    engine.answer('license.activate', () => answer.promise);
    const activating = license.activate('  PA1.key  \n');
    expect(license.activity.value).toEqual({ busy: true, error: null });
    answer.resolve(PERSONAL);
    expect(await activating).toBe(true);
    expect(license.activity.value).toEqual({ busy: false, error: null });
    expect(engine.calls.find((call) => call.method === 'license.activate')?.params).toEqual({ key: 'PA1.key' });
    expect(toasts).toEqual(['License activated.']);
  });

  it("keeps the engine's reason when it refuses a key, and clears it when the next action starts", async () => {
    const { engine, license, toasts } = setup();
    engine.answer('license.activate', () => {
      throw new PaError(ErrorCode.LICENSE, 'The signature does not match.');
    });
    expect(await license.activate('PA1.tampered')).toBe(false);
    expect(license.activity.value).toEqual({ busy: false, error: 'The signature does not match.' });
    expect(toasts).toEqual([]);

    const removal = deferred<LicenseStatus>();
    engine.answer('license.remove', () => removal.promise);
    const removing = license.remove();
    expect(license.activity.value).toEqual({ busy: true, error: null });
    removal.resolve(PERSONAL);
    expect(await removing).toBe(true);
  });

  it('runs one action at a time: a second click while busy reaches nothing', async () => {
    const { engine, license } = setup();
    const answer = deferred<LicenseStatus>();
    engine.answer('license.activate', () => answer.promise);
    engine.answer('license.remove', async () => PERSONAL);
    const first = license.activate('PA1.key');
    expect(await license.remove()).toBe(false);
    answer.resolve(PERSONAL);
    await first;
    expect(engine.methods().filter((method) => method !== 'license.status')).toEqual(['license.activate']);
  });

  it('offers the device activation request as a file, and installs a certificate trimmed', async () => {
    const { engine, license, saved } = setup();
    engine.answer('license.activationRequest', async () => ({
      request: 'PAR1.request',
      licenseId: 'lic-1',
      fingerprint: 'f1',
    }));
    engine.answer('license.installCertificate', async () => PERSONAL);
    expect(await license.exportActivationRequest()).toBe(true);
    expect(saved).toEqual([{ name: 'activation-request.txt', text: 'PAR1.request' }]);
    expect(await license.installCertificate(' PAC1.cert\n')).toBe(true);
    expect(engine.calls.at(-1)).toEqual({ method: 'license.installCertificate', params: { certificate: 'PAC1.cert' } });
  });

  it("picks a file with the bridge's native picker; without a bridge the view uses the page's input", async () => {
    const browser = setup(null);
    expect(browser.license.picksNatively).toBe(false);
    expect(await browser.license.pickTextFile()).toBeNull();

    const asked: string[] = [];
    const electron = setup(
      nativePicker(async ({ title }) => {
        asked.push(title);
        return { path: '/keys/license.txt', text: 'PA1.from-file\n' };
      }),
    );
    expect(electron.license.picksNatively).toBe(true);
    expect(await electron.license.pickTextFile()).toBe('PA1.from-file\n');
    expect(asked).toEqual(['Choose a license file']);
  });

  it('shows why the native picker failed instead of throwing', async () => {
    const { license } = setup(
      nativePicker(async () => {
        throw new Error('The file could not be read.');
      }),
    );
    expect(await license.pickTextFile()).toBeNull();
    expect(license.activity.value).toEqual({ busy: false, error: 'The file could not be read.' });
  });

  it('says nothing for an activation that finishes after the feature was disposed', async () => {
    const { engine, license, toasts } = setup();
    const answer = deferred<LicenseStatus>();
    engine.answer('license.activate', () => answer.promise);
    const activating = license.activate('PA1.key');
    license.dispose();
    answer.resolve(PERSONAL);
    await activating;
    expect(toasts).toEqual([]);
  });

  it("shows the engine's status and follows license.changed and quota.changed", async () => {
    const engine = new FakeEngine();
    const asked = deferred<LicenseStatus>();
    engine.answer('license.status', () => asked.promise);
    const license = new LicenseController({ client: engine.client, native: null, notify: () => {} });
    expect(license.status.value).toBeNull();
    const arrived = new Promise<void>((resolve) => license.status.subscribe(resolve));
    asked.resolve(PERSONAL);
    await arrived;
    expect(license.status.value).toEqual(PERSONAL);
    const quota = { metric: 'ai_requests' as const, day: '2026-12-02', used: 3, limit: 100, remaining: 97 };
    engine.emit('quota.changed', { items: [quota] });
    expect(license.status.value?.quotas).toEqual([quota]);
    engine.emit('license.changed', { ...PERSONAL, state: 'active', edition: 'team' });
    expect(license.status.value).toMatchObject({ state: 'active', edition: 'team' });
  });
});
