import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, readMachineId, readSalt, SALT_FILE } from './fingerprint.js';

describe('device fingerprint', () => {
  const identity = { machineId: '4c4c4544004d3510805ac4c04f4a3532', user: 'ada', salt: 'a1'.repeat(32) };

  it('is a stable SHA-256 that never contains the raw machine id or user', () => {
    const fingerprint = fingerprintOf(identity);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf({ ...identity })).toBe(fingerprint);
    expect(fingerprint).not.toContain(identity.machineId);
    expect(fingerprintOf({ ...identity, user: 'grace' })).not.toBe(fingerprint);
    expect(fingerprintOf({ ...identity, machineId: `${identity.machineId}0` })).not.toBe(fingerprint);
  });

  it('gets a new random salt per data dir, kept 0600 and reused afterwards', () => {
    const one = mkdtempSync(join(tmpdir(), 'pa-salt-'));
    const two = mkdtempSync(join(tmpdir(), 'pa-salt-'));
    try {
      const salt = readSalt(one);
      expect(salt).toMatch(/^[0-9a-f]{64}$/);
      expect(readSalt(one)).toBe(salt);
      expect(readFileSync(join(one, SALT_FILE), 'utf8')).toBe(salt);
      expect(readSalt(two)).not.toBe(salt);
      expect(fingerprintOf({ ...identity, salt })).not.toBe(fingerprintOf({ ...identity, salt: readSalt(two) }));
    } finally {
      rmSync(one, { recursive: true, force: true });
      rmSync(two, { recursive: true, force: true });
    }
  });

  it('reads the machine id of this platform', () => {
    expect(readMachineId().length).toBeGreaterThan(8);
  });
});
