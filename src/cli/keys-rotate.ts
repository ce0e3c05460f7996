import { openToolKeyring } from '../lti/tool-key.js';
import type { CommandContext } from './command-context.js';

export const usage = 'microcred keys rotate';

/**
 * `microcred keys rotate`: a new LTI tool key signs from now on (running processes pick it up
 * within 30 s); the old one stays in /lti/keys for an hour, until nothing it signed is in use.
 */
export async function keysRotate(context: CommandContext): Promise<void> {
  const keyring = await openToolKeyring(context.db, context.secret);
  const previous = await keyring.current();
  const current = await keyring.rotate();
  context.out(
    JSON.stringify({ rotated: true, previousKid: previous.kid, currentKid: current.kid }),
  );
}
