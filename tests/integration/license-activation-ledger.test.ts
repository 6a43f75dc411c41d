// The vendor's activation ledger through the real built `pa` CLI: `activate-offline` signs at most maxDevices
// device certificates per license, repeats for the same device are free, and `deactivate-offline` frees a seat.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeActivationRequest, inspectLicense, LicensePayload } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCliFor, testVendorEnv } from '../support/vendor-key.js';

const root = mkdtempSync(join(tmpdir(), 'pa-lic-ledger-'));
const vendorDir = join(root, 'vendor');
const privateKey = join(vendorDir, 'license-private-key');
const env = { ...testVendorEnv(join(vendorDir, 'license-public-key')), PA_SECRETS_BACKEND: 'file' };

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(dataDir: string, ...args: string[]): Run {
  const result = spawnSync(process.execPath, [engineCliFor(env), ...args], {
    env: { ...process.env, ...env, PA_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function pa(dataDir: string, ...args: string[]): string {
  const result = run(dataDir, ...args);
  if (result.status !== 0) throw new Error(`pa ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** `pa license activate-offline` with the vendor's key: options first, the request file last. */
const vendorActivates = (...args: string[]): Run =>
  run(root, 'license', 'activate-offline', '--key', privateKey, ...args);

/** An activation request as a device writes it; the vendor side sees nothing else of the device. */
function requestFor(licenseId: string, name: string, fingerprint: string): string {
  const file = join(root, `${name}.request`);
  writeFileSync(file, encodeActivationRequest({ licenseId, fingerprint, requestedAt: Date.now() }));
  return file;
}

function issue(name: string, ...extra: string[]): { file: string; id: string } {
  const file = join(root, `${name}.license`);
  const text = pa(
    root,
    'license',
    'issue',
    '--key',
    privateKey,
    '--edition',
    'team',
    '--to',
    'Ada',
    '--email',
    'ada@example.com',
    '--days',
    '30',
    ...extra,
  );
  writeFileSync(file, text);
  const inspected = inspectLicense(text.trim());
  if (!inspected.ok) throw new Error(`pa license issue printed no license: ${text}`);
  return { file, id: LicensePayload.parse(inspected.payload).id };
}

beforeAll(() => {
  pa(root, 'license', 'keygen', '--out', vendorDir);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const fingerprint = (digit: string) => digit.repeat(64);

describe('pa license activate-offline with an activation ledger', () => {
  it('signs two devices of a two-device license, repeats for a known device and refuses a third until a seat is freed', () => {
    const license = issue('two-seats', '--max-devices', '2');
    expect(existsSync(join(vendorDir, 'license-ledger.db'))).toBe(true);
    const a = requestFor(license.id, 'a', fingerprint('a'));
    const b = requestFor(license.id, 'b', fingerprint('b'));
    // the third device is a real install, so its certificate is also installed at the end
    const device = join(root, 'device-c');
    mkdirSync(device);
    pa(device, 'license', 'activate', license.file);
    const c = join(device, 'request.txt');
    writeFileSync(c, pa(device, 'license', 'request-activation'));

    const first = vendorActivates(a);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^PAC1\./);
    expect(first.stderr).toContain('seats used 1 of 2');

    const again = vendorActivates(a);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^PAC1\./);
    expect(again.stderr).toContain('already activated (same seat)');
    expect(again.stderr).toContain('seats used 1 of 2');

    expect(vendorActivates(b).stderr).toContain('seats used 2 of 2');

    const third = vendorActivates(c);
    expect(third.status).not.toBe(0);
    expect(third.stdout).toBe('');
    expect(third.stderr).toContain(`License ${license.id} is already activated on 2 of 2 devices`);
    expect(third.stderr).toContain('pa license deactivate-offline');

    const stranger = run(root, 'license', 'deactivate-offline', '--key', privateKey, license.id, fingerprint('f'));
    expect(stranger.status).not.toBe(0);
    expect(stranger.stderr).toContain('holds no seat');

    expect(pa(root, 'license', 'deactivate-offline', '--key', privateKey, license.id, fingerprint('a'))).toContain(
      `freed the seat of device ${fingerprint('a')}`,
    );
    const freed = vendorActivates(c);
    expect(freed.status).toBe(0);
    expect(freed.stderr).toContain('seats used 2 of 2');
    const certificate = join(device, 'certificate.txt');
    writeFileSync(certificate, freed.stdout);
    expect(pa(device, 'license', 'install-certificate', certificate)).toContain('bound, activated on this device');
  });

  it('asks for the license when it is not in the ledger, and activates once it is shown', () => {
    const license = issue('unrecorded', '--max-devices', '1', '--ledger', join(root, 'elsewhere.db'));
    const ledger = join(root, 'fresh-ledger.db');
    const d = requestFor(license.id, 'd', fingerprint('d'));

    const unknown = vendorActivates('--ledger', ledger, d);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain(`License ${license.id} is not in the activation ledger`);
    expect(unknown.stderr).toContain('--license');

    const shown = vendorActivates('--ledger', ledger, '--license', license.file, d);
    expect(shown.status).toBe(0);
    expect(shown.stderr).toContain('seats used 1 of 1');
  });
});
