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
      messageBudget: { messagesPerSecond: 100, messageBurst: 1000, bytesPerSecond: 1024 * 1024, byteBurst: 16 << 20 },
      maxRoomBytes: 256 * 1024 * 1024,
      maxTotalBytes: 16 * 1024 * 1024 * 1024,
      maxRooms: 100_000,
      roomsPerIpPerHour: 100,
    });
  });

  it('never sets the byte burst below the largest frame the relay accepts', () => {
    const config = loadConfig({
      RELAY_TOKEN: 'a'.repeat(16),
      RELAY_MAX_MESSAGE_BYTES: String(4 << 20),
      RELAY_BYTES_BURST_PER_CONN: '1024',
    });
    expect(config.messageBudget.byteBurst).toBe(4 << 20);
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
