#!/usr/bin/env node
import { loadSettings, SettingsError, type Settings } from '../config/settings.js';
import { MicrocredError } from '../errors.js';
import * as achievementCreate from './achievement-create.js';
import * as backup from './backup.js';
import { withCommandContext, type CommandContext } from './command-context.js';
import * as courseList from './course-list.js';
import * as keysRotate from './keys-rotate.js';
import * as migrate from './migrate.js';
import * as moveToPostgresql from './move-to-postgresql.js';
import * as platformAdd from './platform-add.js';
import * as platformInvite from './platform-invite.js';
import * as platformList from './platform-list.js';
import * as platformXapiActors from './platform-xapi-actors.js';
import * as restore from './restore.js';
import { serve } from './serve.js';
import * as xapiCredentials from './xapi-credentials.js';
import * as xapiExternal from './xapi-external.js';

type Command = { usage: string; run: (context: CommandContext, args: string[]) => Promise<void> };

/**
 * Commands that open their database themselves: a restore must see its target empty and must
 * not generate a secret; a move opens two databases.
 */
type StorageCommand = {
  usage: string;
  run: (settings: Settings, args: string[], out: (line: string) => void) => Promise<void>;
};

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
  backup: { usage: backup.usage, run: backup.backup },
};

const STORAGE_COMMANDS: Record<string, StorageCommand> = {
  restore: { usage: restore.usage, run: restore.restore },
  'move-to-postgresql': { usage: moveToPostgresql.usage, run: moveToPostgresql.moveToPostgresql },
};

const HELP = [
  'microcred: the LTI 1.3 tool that awards Open Badges 3.0 micro-credentials',
  '',
  'Commands:',
  '  microcred serve',
  ...[...Object.values(COMMANDS), ...Object.values(STORAGE_COMMANDS)].map(
    (command) => `  ${command.usage}`,
  ),
].join('\n');

async function main(argv: string[]): Promise<void> {
  const settings = loadSettings();
  if (argv[0] === 'serve') return serve(settings);
  const name = [...Object.keys(COMMANDS), ...Object.keys(STORAGE_COMMANDS)].find(
    (key) => argv.slice(0, key.split(' ').length).join(' ') === key,
  );
  if (!name || argv.includes('--help')) {
    process.stdout.write(`${HELP}\n`);
    if (!name && argv.length > 0 && !argv.includes('--help')) process.exitCode = 2;
    return;
  }
  const args = argv.slice(name.split(' ').length);
  const storageCommand = STORAGE_COMMANDS[name];
  if (storageCommand) {
    return storageCommand.run(settings, args, (line) => process.stdout.write(`${line}\n`));
  }
  const command = COMMANDS[name] as Command;
  await withCommandContext(settings, (context) => command.run(context, args));
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
