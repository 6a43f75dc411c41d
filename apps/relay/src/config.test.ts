import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('relay config', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({ RELAY_TOKEN: 'a'.repeat(16), RELAY_DATA_DIR: '/data' });
    expect(config).toMatchObject({
      port: 4444,
      maxMessageBytes: 1024 * 1024,
      maxRoomsPerConnection: 32,
      idleTimeoutMs: 60_000,
      roomExpiryMs: 30 * 24 * 60 * 60 * 1000,
      dataDir: '/data',
    });
  });

  it('reads the token from RELAY_TOKEN_FILE and puts data under PA_DATA_DIR by default', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'relay-config-')), 'token');
    writeFileSync(file, `${'b'.repeat(20)}\n`);
    const config = loadConfig({ RELAY_TOKEN_FILE: file, PA_DATA_DIR: '/pa' });
    expect(config.token).toBe('b'.repeat(20));
    expect(config.dataDir).toBe('/pa/relay');
    expect(loadConfig({ RELAY_TOKEN: 'a'.repeat(16), XDG_DATA_HOME: '/xdg' }).dataDir).toBe(
      '/xdg/powerautomation/relay',
    );
  });

  it('refuses to start without a token, with a short one, or with a bad number', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({ RELAY_TOKEN: 'short' })).toThrow(/RELAY_TOKEN/);
    expect(() => loadConfig({ RELAY_TOKEN: 'a'.repeat(16), PORT: 'eighty' })).toThrow(/PORT/);
  });
});
