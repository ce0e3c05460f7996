import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.js';
import type { Settings } from './settings.js';

/**
 * The tool secret: MICROCRED_SECRET when set, else one generated once into `<dataDir>/secret`
 * with owner-only permissions (and a loud warning, since losing that file loses every key).
 */
export function resolveSecret(settings: Settings, logger: Logger): string {
  const existing = readSecret(settings);
  if (existing !== null) return existing;
  const file = secretFile(settings);
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  logger.warn(
    'lifecycle',
    'MICROCRED_SECRET is unset: generated a secret. Back it up or set MICROCRED_SECRET; without it the stored keys cannot be decrypted.',
    { file },
  );
  return secret;
}

/** The secret from MICROCRED_SECRET or `<dataDir>/secret`, or null when neither holds one. */
export function readSecret(settings: Settings): string | null {
  if (settings.secret) return settings.secret;
  try {
    return readFileSync(secretFile(settings), 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return null;
  }
}

/** Where the generated secret is kept when MICROCRED_SECRET is unset. */
export function secretFile(settings: Settings): string {
  return path.join(settings.dataDir, 'secret');
}
