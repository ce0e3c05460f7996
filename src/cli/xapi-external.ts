import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { BadRequestError } from '../errors.js';
import {
  addExternalLrs,
  listExternalLrs,
  removeExternalLrs,
} from '../xapi/external/external-lrs-connections.js';
import type { CommandContext } from './command-context.js';

export const addUsage =
  'microcred xapi external add --platform ID --endpoint URL --key KEY --direction forward|pull|both [--course ID] [--xapi-version 2.0.0|1.0.3] [--since TIMESTAMP] [--inactive] < secret';
export const listUsage = 'microcred xapi external list';
export const removeUsage = 'microcred xapi external remove --id ID';

/**
 * `microcred xapi external add`: connects an external LRS to a platform (or one of its
 * courses) and prints the connection as JSON. The Basic secret is read from the first line of
 * standard input, so it stays out of the shell history and the process list; it is stored
 * encrypted and never printed. Throws BadRequestError naming the bad option.
 */
export async function xapiExternalAdd(
  context: Pick<CommandContext, 'db' | 'secret' | 'out'>,
  args: string[],
  readSecret: () => Promise<string> = readSecretFromStdin,
): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      course: { type: 'string' },
      endpoint: { type: 'string' },
      key: { type: 'string' },
      direction: { type: 'string' },
      'xapi-version': { type: 'string' },
      since: { type: 'string' },
      inactive: { type: 'boolean' },
    },
  });
  for (const required of ['platform', 'endpoint', 'key', 'direction'] as const) {
    if (values[required] === undefined) {
      throw new BadRequestError(`--${required} is required\nusage: ${addUsage}`);
    }
  }
  const secret = await readSecret();
  if (secret === '') {
    throw new BadRequestError(
      `Give the external LRS's Basic secret on standard input\nusage: ${addUsage}`,
    );
  }
  const connection = await addExternalLrs({
    db: context.db,
    secret: context.secret,
    input: {
      platformId: values.platform,
      courseId: values.course,
      endpoint: values.endpoint,
      key: values.key,
      secret,
      direction: values.direction,
      xapiVersion: values['xapi-version'],
      since: values.since,
      isActive: !values.inactive,
    },
  });
  context.out(JSON.stringify(connection, null, 2));
}

/** `microcred xapi external list`: every connection as JSON, with endpoint and key, no secret. */
export async function xapiExternalList(context: Pick<CommandContext, 'db' | 'out'>): Promise<void> {
  context.out(JSON.stringify(await listExternalLrs(context.db), null, 2));
}

/** `microcred xapi external remove --id ID`: removes a connection; NotFoundError if unknown. */
export async function xapiExternalRemove(
  context: Pick<CommandContext, 'db' | 'out'>,
  args: string[],
): Promise<void> {
  const { values } = parseArgs({ args, options: { id: { type: 'string' } } });
  if (values.id === undefined) throw new BadRequestError(`--id is required\nusage: ${removeUsage}`);
  await removeExternalLrs(context.db, values.id);
  context.out(JSON.stringify({ removed: values.id }));
}

async function readSecretFromStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("The external LRS's Basic secret: ");
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  return '';
}
