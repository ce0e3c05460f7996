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
  if (settings.secret) return settings.secret;
  const file = path.join(settings.dataDir, 'secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
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
