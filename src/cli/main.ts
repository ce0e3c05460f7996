#!/usr/bin/env node
import { loadSettings, SettingsError } from '../config/settings.js';
import { MicrocredError } from '../errors.js';
import * as achievementCreate from './achievement-create.js';
import { withCommandContext, type CommandContext } from './command-context.js';
import * as courseList from './course-list.js';
import * as keysRotate from './keys-rotate.js';
import * as migrate from './migrate.js';
import * as platformAdd from './platform-add.js';
import * as platformInvite from './platform-invite.js';
import * as platformList from './platform-list.js';
import * as platformXapiActors from './platform-xapi-actors.js';
import { serve } from './serve.js';
import * as xapiCredentials from './xapi-credentials.js';
import * as xapiExternal from './xapi-external.js';

type Command = { usage: string; run: (context: CommandContext, args: string[]) => Promise<void> };

const COMMANDS: Record<string, Command> = {
  migrate: { usage: migrate.usage, run: migrate.migrate },
  'platform add': { usage: platformAdd.usage, run: platformAdd.platformAdd },
  'platform list': { usage: platformList.usage, run: platformList.platformList },
  'platform invite': { usage: platformInvite.usage, run: platformInvite.platformInvite },
  'platform xapi-actors': {
    usage: platformXapiActors.usage,
    run: platformXapiActors.platformXapiActors,
  },
  'course list': { usage: courseList.usage, run: courseList.courseList },
  'achievement create': {
    usage: achievementCreate.usage,
    run: achievementCreate.achievementCreate,
  },
  'keys rotate': { usage: keysRotate.usage, run: keysRotate.keysRotate },
  'xapi credentials create': {
    usage: xapiCredentials.usage,
    run: xapiCredentials.xapiCredentialsCreate,
  },
  'xapi external add': { usage: xapiExternal.addUsage, run: xapiExternal.xapiExternalAdd },
  'xapi external list': { usage: xapiExternal.listUsage, run: xapiExternal.xapiExternalList },
  'xapi external remove': { usage: xapiExternal.removeUsage, run: xapiExternal.xapiExternalRemove },
};

const HELP = [
  'microcred: the LTI 1.3 tool that awards Open Badges 3.0 micro-credentials',
  '',
  'Commands:',
  '  microcred serve',
  ...Object.values(COMMANDS).map((command) => `  ${command.usage}`),
].join('\n');

async function main(argv: string[]): Promise<void> {
  const settings = loadSettings();
  if (argv[0] === 'serve') return serve(settings);
  const name = Object.keys(COMMANDS).find(
    (key) => argv.slice(0, key.split(' ').length).join(' ') === key,
  );
  if (!name || argv.includes('--help')) {
    process.stdout.write(`${HELP}\n`);
    if (!name && argv.length > 0 && !argv.includes('--help')) process.exitCode = 2;
    return;
  }
  const command = COMMANDS[name] as Command;
  await withCommandContext(settings, (context) =>
    command.run(context, argv.slice(name.split(' ').length)),
  );
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (
    error instanceof SettingsError ||
    (error instanceof MicrocredError && error.expose) ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    process.stderr.write(`microcred: ${(error as Error).message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
