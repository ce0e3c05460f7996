import { loadSettings, SettingsError, type Settings } from './settings.js';

/** Loopback by name and address: the demo LMS is served by the tool's own server. */
export const DEMO_ALLOW_PRIVATE = 'localhost,127.0.0.0/8,::1';

/**
 * The settings of `npm run demo`: the tool's own (PORT, MICROCRED_PUBLIC_URL, ...), except that
 * the demo always keeps its data in `dataDir` on the embedded database, never on DATABASE_URL,
 * logs warnings and errors only unless MICROCRED_LOG_LEVEL says otherwise, and may fetch from
 * loopback addresses (its demo LMS runs in the same server) unless
 * MICROCRED_OUTGOING_ALLOW_PRIVATE says otherwise. Throws a
 * SettingsError under NODE_ENV=production: the demo LMS lets anyone sign in as anyone.
 */
export function loadDemoSettings(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): Settings {
  if (env.NODE_ENV === 'production') {
    throw new SettingsError([
      'The demo does not run with NODE_ENV=production: its demo LMS lets anyone sign in as anyone. Use `npm start` in production.',
    ]);
  }
  return loadSettings(
    {
      ...env,
      DATABASE_URL: undefined,
      MICROCRED_DATA_DIR: dataDir,
      MICROCRED_LOG_LEVEL: env.MICROCRED_LOG_LEVEL ?? 'warn',
      MICROCRED_OUTGOING_ALLOW_PRIVATE: env.MICROCRED_OUTGOING_ALLOW_PRIVATE ?? DEMO_ALLOW_PRIVATE,
    },
    cwd,
  );
}
