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

  it('takes a redis:// URL for the fan-out and refuses anything else', () => {
    const token = 'a'.repeat(16);
    expect(loadConfig({ RELAY_TOKEN: token })).toMatchObject({ redisUrl: null, redisPrefix: 'pa:relay:', drainMs: 0 });
    expect(loadConfig({ RELAY_TOKEN: token, RELAY_REDIS_URL: ' ' }).redisUrl).toBeNull();
    expect(
      loadConfig({ RELAY_TOKEN: token, RELAY_REDIS_URL: 'redis://10.0.0.5:6379/0', RELAY_DRAIN_MS: '5000' }),
    ).toMatchObject({ redisUrl: 'redis://10.0.0.5:6379/0', drainMs: 5000 });
    expect(loadConfig({ RELAY_TOKEN: token, RELAY_REDIS_URL: 'rediss://user:pw@redis.example:6380' }).redisUrl).toBe(
      'rediss://user:pw@redis.example:6380',
    );
    expect(() => loadConfig({ RELAY_TOKEN: token, RELAY_REDIS_URL: 'http://redis:6379' })).toThrow(/RELAY_REDIS_URL/);
  });

  it('uses SQLite unless RELAY_DATABASE_URL names a postgres:// database, and refuses anything else', () => {
    const token = 'a'.repeat(16);
    expect(loadConfig({ RELAY_TOKEN: token }).databaseUrl).toBeNull();
    expect(loadConfig({ RELAY_TOKEN: token, RELAY_DATABASE_URL: '' }).databaseUrl).toBeNull();
    expect(
      loadConfig({ RELAY_TOKEN: token, RELAY_DATABASE_URL: 'postgres://relay:pw@db:5432/relay?sslmode=require' })
        .databaseUrl,
    ).toBe('postgres://relay:pw@db:5432/relay?sslmode=require');
    expect(loadConfig({ RELAY_TOKEN: token, RELAY_DATABASE_URL: 'postgresql://db/relay' }).databaseUrl).toBe(
      'postgresql://db/relay',
    );
    expect(() => loadConfig({ RELAY_TOKEN: token, RELAY_DATABASE_URL: 'mysql://db/relay' })).toThrow(
      /RELAY_DATABASE_URL/,
    );
    expect(() => loadConfig({ RELAY_TOKEN: token, RELAY_DATABASE_URL: '/var/lib/relay.sqlite' })).toThrow(
      /RELAY_DATABASE_URL/,
    );
  });
});
