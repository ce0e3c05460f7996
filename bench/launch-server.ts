/**
 * One side of the launch benchmark, in its own process: `microcred` (the whole tool) or
 * `ltijs` (a bare ltijs instance on the same storage plugin and database, answering 200).
 * Prints `ready <port>` once listening.
 */
import express from 'express';
import ltijs from 'ltijs';
import { createApp } from '../src/app.js';
import { createLogger } from '../src/config/logger.js';
import { loadSettings } from '../src/config/settings.js';
import { openDatabase } from '../src/db/database.js';
import { pinQueryForLtijs } from '../src/lti/lti-provider.js';
import { LtijsStorage } from '../src/lti/ltijs-storage.js';
import { openToolKeyring } from '../src/lti/tool-key.js';

const [mode, port] = process.argv.slice(2);
const settings = loadSettings({
  ...process.env,
  PORT: port,
  MICROCRED_PUBLIC_URL: `http://127.0.0.1:${port}`,
  MICROCRED_OUTGOING_ALLOW_PRIVATE: '127.0.0.1',
});
const logger = createLogger('error', (line) => process.stderr.write(line));

if (mode === 'microcred') {
  const tool = await createApp(settings, { logger });
  tool.app.listen(settings.port, '127.0.0.1', () => console.log(`ready ${settings.port}`));
} else if (mode === 'ltijs') {
  const database = await openDatabase(settings);
  const secret = settings.secret ?? 'bench-secret-bench-secret-bench-secret';
  const keyring = await openToolKeyring(database.db, secret);
  const provider = new ltijs.Provider.constructor();
  provider.setup(
    secret,
    { plugin: new LtijsStorage({ db: database.db, secret, keyring }) },
    {
      appRoute: '/launch',
      loginRoute: '/login',
      keysetRoute: '/keys',
      ltiaas: true,
      cors: false,
      tokenMaxAge: 60,
    },
  );
  provider.onConnect((_token, _req, res) => res.send('ok'));
  const app = express();
  app.use('/lti', pinQueryForLtijs, provider.app);
  app.listen(settings.port, '127.0.0.1', () => console.log(`ready ${settings.port}`));
} else {
  throw new TypeError('usage: launch-server.ts microcred|ltijs PORT');
}

// The benchmark stops this process with SIGTERM; exit cleanly so --cpu-prof can write its file.
process.once('SIGTERM', () => process.exit(0));
