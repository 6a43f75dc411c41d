// The relay's settings, read once from environment variables and validated with zod (a bad value stops the start
// with a sentence naming the variable).
import { readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { MessageBudgetLimits } from './admission.js';

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const EnvSchema = z.object({
  PORT: int(4444),
  HOST: z.string().min(1).default('0.0.0.0'),
  RELAY_TOKEN: z.string().min(16, 'RELAY_TOKEN must be at least 16 characters').optional(),
  RELAY_TOKEN_FILE: z.string().min(1).optional(),
  RELAY_ADMIN_TOKEN: z.string().min(16, 'RELAY_ADMIN_TOKEN must be at least 16 characters').optional(),
  RELAY_ADMIN_TOKEN_FILE: z.string().min(1).optional(),
  RELAY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'RELAY_ID must be 1-64 letters, digits, dots, dashes or underscores')
    .optional(),
  RELAY_METRICS_REDIS_URL: z.url().optional(),
  RELAY_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  RELAY_REDIS_URL: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z
      .string()
      .trim()
      .regex(/^rediss?:\/\/\S+$/, 'RELAY_REDIS_URL must be a redis:// or rediss:// URL')
      .optional(),
  ),
  RELAY_REDIS_PREFIX: z.string().min(1).max(64).default('pa:relay:'),
  RELAY_DRAIN_MS: int(0),
  RELAY_DATA_DIR: z.string().min(1).optional(),
  RELAY_DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'RELAY_DATABASE_URL must be a postgres:// (or postgresql://) URL')
    .optional()
    .or(z.literal('')),
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
  /** Operator console token (RELAY_ADMIN_TOKEN / _FILE); null disables `/console` (404). Never the client token. */
  adminToken: string | null;
  /** Names this relay in the console's per-relay breakdown and in traces (RELAY_ID, else host name and pid). */
  relayId: string;
  /** Redis the console's metric snapshots are shared through (RELAY_REDIS_URL, or RELAY_METRICS_REDIS_URL). */
  metricsRedisUrl: string | null;
  /** OTLP/HTTP traces URL (…/v1/traces); null: tracing off and no SDK loaded. */
  otlpTracesUrl: string | null;
  /** RELAY_REDIS_URL: rooms and signaling topics are shared with the other relays on it (fanout-redis.ts). */
  redisUrl: string | null;
  /** Prefix of the Redis channels and keys (RELAY_REDIS_PREFIX), so deployments can share one Redis. */
  redisPrefix: string;
  /** After SIGTERM, /healthz says draining this long (so a balancer stops sending) before connections are closed. */
  drainMs: number;
  dataDir: string;
  /** PostgreSQL (RELAY_DATABASE_URL) shared by several relays; null: SQLite in dataDir, the embedded default. */
  databaseUrl: string | null;
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
  const token =
    e.RELAY_TOKEN ?? (e.RELAY_TOKEN_FILE ? readTokenFile(e.RELAY_TOKEN_FILE, 'RELAY_TOKEN_FILE') : undefined);
  if (!token) {
    throw new ConfigError('No token: set RELAY_TOKEN (16+ characters) or RELAY_TOKEN_FILE to a file holding one.');
  }
  const adminToken =
    e.RELAY_ADMIN_TOKEN ??
    (e.RELAY_ADMIN_TOKEN_FILE ? readTokenFile(e.RELAY_ADMIN_TOKEN_FILE, 'RELAY_ADMIN_TOKEN_FILE') : null);
  if (adminToken !== null && adminToken === token) {
    throw new ConfigError('RELAY_ADMIN_TOKEN must differ from RELAY_TOKEN: every client holds the client token.');
  }
  const otlpBase = e.RELAY_OTLP_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  // the signal-specific variable is the full URL; the base one gets the signal's path appended (OTLP's convention)
  const otlpTracesUrl =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (otlpBase ? `${otlpBase.replace(/\/+$/, '')}/v1/traces` : null);
  return {
    port: e.PORT,
    host: e.HOST,
    token,
    adminToken,
    relayId: e.RELAY_ID ?? `${hostname()}-${process.pid}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64),
    metricsRedisUrl: e.RELAY_REDIS_URL || e.RELAY_METRICS_REDIS_URL || null,
    otlpTracesUrl,
    redisUrl: e.RELAY_REDIS_URL || null,
    redisPrefix: e.RELAY_REDIS_PREFIX,
    drainMs: e.RELAY_DRAIN_MS,
    dataDir: e.RELAY_DATA_DIR ?? join(e.PA_DATA_DIR ?? join(xdgDataHome(env), 'powerautomation'), 'relay'),
    databaseUrl: e.RELAY_DATABASE_URL || null,
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

function readTokenFile(path: string, variable: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(`Cannot read ${variable} ${path}: ${(error as Error).message}.`);
  }
  if (text.length < 16) throw new ConfigError(`The token in ${path} is shorter than 16 characters; use a longer one.`);
  return text;
}
