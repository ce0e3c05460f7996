import type { LogLevel } from './settings.js';

export type LogCategory =
  'lifecycle' | 'http' | 'lti' | 'xapi' | 'awards' | 'badges' | 'db' | 'jobs';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(category: LogCategory, message: string, fields?: LogFields): void;
  info(category: LogCategory, message: string, fields?: LogFields): void;
  warn(category: LogCategory, message: string, fields?: LogFields): void;
  error(category: LogCategory, message: string, fields?: LogFields): void;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values never reach a log line, whatever the environment. */
const REDACTED_FIELDS = new Set([
  'id_token',
  'idtoken',
  'ltik',
  'authorization',
  'password',
  'secret',
  'privatekey',
  'private_key',
  'client_assertion',
  'access_token',
  'token',
  'cookie',
]);

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      REDACTED_FIELDS.has(key.toLowerCase()) ? '[redacted]' : redact(item, depth + 1),
    ]),
  );
}

/** A JSON-lines logger writing to the given stream (stdout by default). */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const minimum = LEVEL_ORDER[level];
  const log =
    (lineLevel: LogLevel) => (category: LogCategory, message: string, fields?: LogFields) => {
      if (LEVEL_ORDER[lineLevel] < minimum) return;
      const entry = {
        time: new Date().toISOString(),
        level: lineLevel,
        category,
        message,
        ...(fields ? (redact(fields) as LogFields) : {}),
      };
      write(`${JSON.stringify(entry)}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
