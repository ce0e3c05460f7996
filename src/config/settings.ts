import path from 'node:path';

/**
 * Every setting the tool reads, with its default and meaning. The README's settings table
 * follows this list. Only this module reads `process.env`.
 */
export interface Settings {
  /** TCP port the HTTP server listens on. */
  readonly port: number;
  /** Public base URL of the tool, as LMSs and verifiers reach it (no trailing slash). */
  readonly publicUrl: string;
  /** PostgreSQL connection string; when unset the embedded PGlite database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  /** Folder for the embedded database and the generated secret. */
  readonly dataDir: string;
  /** Secret that encrypts private keys at rest and signs sessions; generated into `dataDir` when unset. */
  readonly secret: string | undefined;
  /** Lowest log level written: debug, info, warn or error. */
  readonly logLevel: LogLevel;
  /** Bearer token for the admin JSON API (/api/admin); the API is off when unset. */
  readonly adminToken: string | undefined;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid settings:\n- ${problems.join('\n- ')}`);
    this.name = 'SettingsError';
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads the settings from an environment (by default `process.env`), applying defaults.
 * Throws a SettingsError listing every problem at once.
 */
export function loadSettings(
  env: Environment = process.env,
  cwd: string = process.cwd(),
): Settings {
  const problems: string[] = [];

  const port = parsePort(env.PORT ?? '3000', problems);
  const publicUrl = parsePublicUrl(
    env.MICROCRED_PUBLIC_URL ?? `http://localhost:${port}`,
    problems,
  );
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const secret = nonEmpty(env.MICROCRED_SECRET);
  if (secret !== undefined && secret.length < 32) {
    problems.push('MICROCRED_SECRET must be at least 32 characters long');
  }
  const adminToken = nonEmpty(env.MICROCRED_ADMIN_TOKEN);
  if (adminToken !== undefined && adminToken.length < 32) {
    problems.push('MICROCRED_ADMIN_TOKEN must be at least 32 characters long');
  }
  const logLevel = (env.MICROCRED_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`MICROCRED_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }

  if (problems.length > 0) throw new SettingsError(problems);
  return Object.freeze({
    port,
    publicUrl,
    databaseUrl,
    dataDir: path.resolve(cwd, env.MICROCRED_DATA_DIR ?? 'data'),
    secret,
    logLevel,
    adminToken,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function parsePort(value: string, problems: string[]): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535, not "${value}"`);
    return 0;
  }
  return port;
}

function parsePublicUrl(value: string, problems: string[]): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('protocol');
    if (url.search || url.hash) throw new TypeError('query');
    return url.href.replace(/\/+$/, '');
  } catch {
    problems.push(`MICROCRED_PUBLIC_URL must be an http(s) URL without query, not "${value}"`);
    return '';
  }
}
