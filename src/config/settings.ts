import { isIP } from 'node:net';
import path from 'node:path';

/**
 * Every setting the tool reads, with its default and meaning. The README's settings table
 * follows this list. Only this module reads `process.env`.
 */
export interface Settings {
  /** TCP port the HTTP server listens on. */
  readonly port: number;
  /** Address the HTTP server listens on (an IP address or a host name); every interface when unset. */
  readonly host: string | undefined;
  /** Public base URL of the tool, as LMSs and verifiers reach it (no trailing slash). */
  readonly publicUrl: string;
  /**
   * Base URL of a second host name of this server that serves uploaded H5P content, so that
   * its scripts never run with the tool's origin (`https://content.tool.example`). Defaults,
   * for a tool on `localhost` or `127.0.0.1`, to the other of the two with the same port;
   * otherwise unset, and H5P activities cannot be imported until it is set.
   */
  readonly contentUrl: string | undefined;
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
  /** Bearer token that GET /metrics requires; the metrics are open to anyone when unset. */
  readonly metricsToken: string | undefined;
  /**
   * The private, loopback and other non-public hosts and networks the tool may send requests to
   * (an LMS or an LRS on an internal network); every other such address is refused.
   */
  readonly outgoingAllowPrivate: OutgoingAllowList;
  /** The SMTP server that emails learners about their credentials; no email is sent when unset. */
  readonly mail: MailSettings | undefined;
  /**
   * How many processes serve the port together (node:cluster), each a whole tool; more than one
   * needs DATABASE_URL, since the embedded database is opened by one process only.
   */
  readonly workers: number;
}

/** How the tool reaches its SMTP server (the `MICROCRED_SMTP_*` settings). */
export interface MailSettings {
  readonly host: string;
  /** 587 with `starttls`, 465 with `tls`, 25 with `none` unless set. */
  readonly port: number;
  /**
   * `starttls`: plain connection upgraded with STARTTLS, which the server must offer (refused
   * otherwise); `tls`: TLS from the first byte (SMTPS); `none`: no encryption, for a relay on the
   * same host or network only.
   */
  readonly tls: MailTls;
  /** Credentials for SMTP AUTH, when the server asks for them. */
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** The sender of every email, an address or `Name <address>`. */
  readonly from: string;
}

export type MailTls = 'starttls' | 'tls' | 'none';
const MAIL_TLS_MODES: readonly MailTls[] = ['starttls', 'tls', 'none'];
const DEFAULT_MAIL_PORTS: Record<MailTls, number> = { starttls: 587, tls: 465, none: 25 };

/** Hosts and networks that outgoing requests may reach although they are not public. */
export interface OutgoingAllowList {
  /** Host names, lower case, matched exactly against the URL's host name. */
  readonly hosts: readonly string[];
  readonly networks: readonly AllowedNetwork[];
}

/** An IP network in CIDR form (a single address has the full prefix length). */
export interface AllowedNetwork {
  readonly address: string;
  readonly prefixLength: number;
  readonly family: 'ipv4' | 'ipv6';
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
  const host = nonEmpty(env.HOST)?.trim();
  if (host !== undefined && isIP(host) === 0 && !isHostName(host)) {
    problems.push(`HOST must be an IP address or a host name, not "${host}"`);
  }
  const publicUrl = parsePublicUrl(
    env.MICROCRED_PUBLIC_URL ?? `http://localhost:${port}`,
    problems,
  );
  const contentUrl =
    nonEmpty(env.MICROCRED_CONTENT_URL) === undefined
      ? loopbackTwin(publicUrl)
      : parseUrlSetting('MICROCRED_CONTENT_URL', env.MICROCRED_CONTENT_URL!, problems);
  if (
    contentUrl !== undefined &&
    publicUrl &&
    new URL(contentUrl).host === new URL(publicUrl).host
  ) {
    problems.push('MICROCRED_CONTENT_URL must name another host than MICROCRED_PUBLIC_URL');
  }
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
  const metricsToken = nonEmpty(env.MICROCRED_METRICS_TOKEN);
  if (metricsToken !== undefined && metricsToken.length < 32) {
    problems.push('MICROCRED_METRICS_TOKEN must be at least 32 characters long');
  }
  const logLevel = (env.MICROCRED_LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`MICROCRED_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const outgoingAllowPrivate = parseOutgoingAllowList(
    env.MICROCRED_OUTGOING_ALLOW_PRIVATE ?? '',
    problems,
  );

  const mail = parseMailSettings(env, problems);
  const workers = parseWorkers(env.MICROCRED_WORKERS ?? '1', databaseUrl, problems);

  if (problems.length > 0) throw new SettingsError(problems);
  return Object.freeze({
    port,
    host,
    publicUrl,
    contentUrl,
    databaseUrl,
    dataDir: path.resolve(cwd, env.MICROCRED_DATA_DIR ?? 'data'),
    secret,
    logLevel,
    adminToken,
    metricsToken,
    outgoingAllowPrivate,
    mail,
    workers,
  });
}

/** The settings with the worker count of `microcred serve --workers`, checked as MICROCRED_WORKERS is. */
export function withWorkers(settings: Settings, value: string): Settings {
  const problems: string[] = [];
  const workers = parseWorkers(value, settings.databaseUrl, problems, '--workers');
  if (problems.length > 0) throw new SettingsError(problems);
  return Object.freeze({ ...settings, workers });
}

const MAX_WORKERS = 64;

function parseWorkers(
  value: string,
  databaseUrl: string | undefined,
  problems: string[],
  name = 'MICROCRED_WORKERS',
): number {
  const workers = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || workers < 1 || workers > MAX_WORKERS) {
    problems.push(`${name} must be a whole number from 1 to ${MAX_WORKERS}, not "${value}"`);
    return 1;
  }
  if (workers > 1 && databaseUrl === undefined) {
    problems.push(
      `${name} above 1 needs DATABASE_URL: the embedded database is opened by one process only`,
    );
  }
  return workers;
}

/** `MICROCRED_SMTP_*` and `MICROCRED_MAIL_FROM`; undefined (no email) without a host. */
function parseMailSettings(env: Environment, problems: string[]): MailSettings | undefined {
  const host = nonEmpty(env.MICROCRED_SMTP_HOST)?.trim();
  if (host === undefined) return undefined;
  if (isIP(host) === 0 && !isHostName(host)) {
    problems.push(`MICROCRED_SMTP_HOST must be an IP address or a host name, not "${host}"`);
  }
  const tls = (nonEmpty(env.MICROCRED_SMTP_TLS)?.trim() ?? 'starttls') as MailTls;
  if (!MAIL_TLS_MODES.includes(tls)) {
    problems.push(`MICROCRED_SMTP_TLS must be one of ${MAIL_TLS_MODES.join(', ')}, not "${tls}"`);
  }
  const rawPort = nonEmpty(env.MICROCRED_SMTP_PORT);
  const port = rawPort === undefined ? (DEFAULT_MAIL_PORTS[tls] ?? 587) : Number(rawPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(`MICROCRED_SMTP_PORT must be a whole number from 1 to 65535, not "${rawPort}"`);
  }
  const user = nonEmpty(env.MICROCRED_SMTP_USER);
  const password = nonEmpty(env.MICROCRED_SMTP_PASSWORD);
  if ((user === undefined) !== (password === undefined)) {
    problems.push('MICROCRED_SMTP_USER and MICROCRED_SMTP_PASSWORD are set together or not at all');
  }
  const from = nonEmpty(env.MICROCRED_MAIL_FROM)?.trim();
  if (from === undefined || !/@[^@\s>]+>?$/.test(from)) {
    problems.push(
      'MICROCRED_MAIL_FROM must name the sender (an address or "Name <address>") when MICROCRED_SMTP_HOST is set',
    );
  }
  return Object.freeze({ host, port, tls, user, password, from: from ?? '' });
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
  return parseUrlSetting('MICROCRED_PUBLIC_URL', value, problems);
}

function parseUrlSetting(name: string, value: string, problems: string[]): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('protocol');
    if (url.search || url.hash) throw new TypeError('query');
    return url.href.replace(/\/+$/, '');
  } catch {
    problems.push(`${name} must be an http(s) URL without query, not "${value}"`);
    return '';
  }
}

/** `localhost` for a tool on `127.0.0.1` and the other way round, with the same port and path. */
function loopbackTwin(publicUrl: string): string | undefined {
  if (!publicUrl) return undefined;
  const url = new URL(publicUrl);
  const twin = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' }[url.hostname];
  if (!twin) return undefined;
  url.hostname = twin;
  return url.href.replace(/\/+$/, '');
}

const HOST_NAME = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$/i;

/** A DNS host name (not an IP address: an all-numeric name such as `127.1` is neither). */
function isHostName(value: string): boolean {
  return value.length <= 253 && HOST_NAME.test(value) && !/^[\d.]+$/.test(value);
}

/** `MICROCRED_OUTGOING_ALLOW_PRIVATE`: a comma list of host names, IP addresses and CIDR ranges. */
function parseOutgoingAllowList(value: string, problems: string[]): OutgoingAllowList {
  const hosts: string[] = [];
  const networks: AllowedNetwork[] = [];
  for (const entry of value.split(',').map((item) => item.trim())) {
    if (entry === '') continue;
    const [rawAddress = '', prefix, ...rest] = entry.split('/');
    const address = rawAddress.replace(/^\[(.*)\]$/, '$1');
    const version = isIP(address);
    if (version !== 0 && rest.length === 0) {
      const maximum = version === 4 ? 32 : 128;
      const prefixLength = prefix === undefined ? maximum : Number(prefix);
      if (/^\d{1,3}$/.test(prefix ?? String(maximum)) && prefixLength <= maximum) {
        networks.push({ address, prefixLength, family: version === 4 ? 'ipv4' : 'ipv6' });
        continue;
      }
    } else if (prefix === undefined && isHostName(entry)) {
      hosts.push(entry.toLowerCase().replace(/\.$/, ''));
      continue;
    }
    problems.push(
      `MICROCRED_OUTGOING_ALLOW_PRIVATE lists host names, IP addresses and CIDR ranges separated by commas; "${entry}" is none of them`,
    );
  }
  return Object.freeze({ hosts: Object.freeze(hosts), networks: Object.freeze(networks) });
}
