// Structured logs: one JSON object per line, info and debug on stdout, warnings and errors on stderr.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = Record<LogLevel, (event: string, fields?: Record<string, unknown>) => void>;

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLog(level: LogLevel, clock: () => number = Date.now): Log {
  const write =
    (at: LogLevel) =>
    (event: string, fields: Record<string, unknown> = {}) => {
      if (rank[at] < rank[level]) return;
      const line = `${JSON.stringify({ time: new Date(clock()).toISOString(), level: at, event, ...fields })}\n`;
      (rank[at] >= rank.warn ? process.stderr : process.stdout).write(line);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
