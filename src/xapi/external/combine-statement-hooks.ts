import type { OnStatementsStored } from '../statement-store.js';

/**
 * One `onStatementsStored` that runs `hooks` in turn inside the storing transaction (one
 * transaction runs one query at a time) and resolves true when any of them queued work. A
 * hook that throws rolls the batch back, as it would alone.
 */
export function combineStatementHooks(...hooks: OnStatementsStored[]): OnStatementsStored {
  return async (tx, stored) => {
    let hasQueuedWork = false;
    for (const hook of hooks) {
      if ((await hook(tx, stored)) === true) hasQueuedWork = true;
    }
    return hasQueuedWork;
  };
}
