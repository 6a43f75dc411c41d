// The relay's settings, read once from environment variables and validated with zod (a bad value stops the start
// with a sentence naming the variable).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { MessageBudgetLimits } from './admission.js';

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const EnvSchema = z.object({
  PORT: int(4444),
  HOST: z.string().min(1).default('0.0.0.0'),
  RELAY_TOKEN: z.string().min(16, 'RELAY_TOKEN must be at least 16 characters').optional(),
  RELAY_TOKEN_FILE: z.string().min(1).optional(),
  RELAY_DATA_DIR: z.string().min(1).optional(),
  PA_DATA_DIR: z.string().min(1).optional(),
  RELAY_MAX_MESSAGE_BYTES: int(1024 * 1024, 1024),
  RELAY_MAX_ROOMS_PER_CONNECTION: int(32, 1),
  RELAY_MAX_CONNECTIONS: int(20_000, 1),
  RELAY_CONN_RATE_PER_IP: z.coerce.number().positive().default(20),
  RELAY_CONN_BURST_PER_IP: int(100, 1),
  RELAY_MSG_RATE_PER_CONN: z.coerce.number().positive().default(100),
  RELAY_MSG_BURST_PER_CONN: int(1000, 1),
  RELAY_BYTES_RATE_PER_CONN: z.coerce
    .number()
    .positive()
    .default(1024 * 1024),
  RELAY_BYTES_BURST_PER_CONN: int(16 * 1024 * 1024, 1),
  RELAY_MAX_ROOM_BYTES: int(256 * 1024 * 1024, 1024),
  RELAY_MAX_TOTAL_BYTES: int(16 * 1024 * 1024 * 1024, 1024),
  RELAY_MAX_ROOMS: int(100_000, 1),
  RELAY_ROOMS_PER_IP_PER_HOUR: int(100, 1),
  RELAY_IDLE_TIMEOUT_MS: int(60_000, 1000),
  RELAY_ROOM_EXPIRY_DAYS: z.coerce.number().positive().default(30),
  RELAY_MAX_QUEUED_BYTES: int(8 * 1024 * 1024, 64 * 1024),
  RELAY_SYNC_MODE: z.enum(['full', 'normal']).default('full'),
  RELAY_SWEEP_INTERVAL_MS: int(60 * 60 * 1000, 1000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export interface RelayConfig {
  port: number;
  host: string;
  token: string;
  dataDir: string;
  maxMessageBytes: number;
  maxRoomsPerConnection: number;
  maxConnections: number;
  connRatePerIp: number;
  connBurstPerIp: number;
  /** Token buckets per connection; the byte burst is never below maxMessageBytes, so one legal frame always fits. */
  messageBudget: MessageBudgetLimits;
  /** Stored bytes (update rows + snapshot) per room beyond which updates are refused until a snapshot compacts it. */
  maxRoomBytes: number;
  /** Stored bytes of the whole relay (every room's rows + snapshots) beyond which updates are refused. */
  maxTotalBytes: number;
  /** Rooms stored at most; beyond it a new room is refused until idle ones expire. */
  maxRooms: number;
  /** New rooms one address may create per hour (a token bucket with this burst). */
  roomsPerIpPerHour: number;
  idleTimeoutMs: number;
  roomExpiryMs: number;
  maxQueuedBytes: number;
  /** 'full' fsyncs every commit before ACKs go out; 'normal' survives a process crash but not a power cut. */
  syncMode: 'full' | 'normal';
  sweepIntervalMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): RelayConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid ${issue?.path.join('.') ?? 'setting'}: ${issue?.message ?? 'bad value'}.`);
  }
  const e = parsed.data;
  const token = e.RELAY_TOKEN ?? (e.RELAY_TOKEN_FILE ? readTokenFile(e.RELAY_TOKEN_FILE) : undefined);
  if (!token) {
    throw new ConfigError('No token: set RELAY_TOKEN (16+ characters) or RELAY_TOKEN_FILE to a file holding one.');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    token,
    dataDir: e.RELAY_DATA_DIR ?? join(e.PA_DATA_DIR ?? join(xdgDataHome(env), 'powerautomation'), 'relay'),
    maxMessageBytes: e.RELAY_MAX_MESSAGE_BYTES,
    maxRoomsPerConnection: e.RELAY_MAX_ROOMS_PER_CONNECTION,
    maxConnections: e.RELAY_MAX_CONNECTIONS,
    connRatePerIp: e.RELAY_CONN_RATE_PER_IP,
    connBurstPerIp: e.RELAY_CONN_BURST_PER_IP,
    messageBudget: {
      messagesPerSecond: e.RELAY_MSG_RATE_PER_CONN,
      messageBurst: e.RELAY_MSG_BURST_PER_CONN,
      bytesPerSecond: e.RELAY_BYTES_RATE_PER_CONN,
      byteBurst: Math.max(e.RELAY_BYTES_BURST_PER_CONN, e.RELAY_MAX_MESSAGE_BYTES),
    },
    maxRoomBytes: e.RELAY_MAX_ROOM_BYTES,
    maxTotalBytes: e.RELAY_MAX_TOTAL_BYTES,
    maxRooms: e.RELAY_MAX_ROOMS,
    roomsPerIpPerHour: e.RELAY_ROOMS_PER_IP_PER_HOUR,
    idleTimeoutMs: e.RELAY_IDLE_TIMEOUT_MS,
    roomExpiryMs: e.RELAY_ROOM_EXPIRY_DAYS * 24 * 60 * 60 * 1000,
    maxQueuedBytes: e.RELAY_MAX_QUEUED_BYTES,
    syncMode: e.RELAY_SYNC_MODE,
    sweepIntervalMs: e.RELAY_SWEEP_INTERVAL_MS,
    logLevel: e.LOG_LEVEL,
  };
}

/** Same convention as the engine's data dir on Linux, where a relay usually runs. */
function xdgDataHome(env: Record<string, string | undefined>): string {
  const xdg = env.XDG_DATA_HOME;
  return xdg?.startsWith('/') ? xdg : join(homedir(), '.local', 'share');
}

function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`Cannot read RELAY_TOKEN_FILE ${path}: ${(error as Error).message}.`);
  }
  if (text.length < 16) throw new ConfigError(`The token in ${path} is shorter than 16 characters; use a longer one.`);
  return text;
}
