/** What a batch gives back for each of its items, in order: a value or that item's error. */
export type BatchOutcome<Result> = { value: Result } | { error: unknown };

/**
 * Group commit: calls made while a batch is running wait and are handed together, up to
 * `maxBatch` at a time, to `runBatch`, which does the shared work (one query, one multi-row
 * INSERT) once for all of them. Each call resolves with its own value, or rejects with its own
 * error; if `runBatch` itself throws, every call of that batch rejects with that error. A lone
 * call waits for no one: its batch starts on the next turn of the event loop.
 */
export function groupCommit<Item, Result>(options: {
  maxBatch: number;
  runBatch: (items: readonly Item[]) => Promise<readonly BatchOutcome<Result>[]>;
  /**
   * Batches that may run at once (1 by default). Two let the caller prepare the next batch
   * while the database works on the last.
   */
  lanes?: number;
}): (item: Item) => Promise<Result> {
  const { maxBatch, runBatch } = options;
  const lanes = options.lanes ?? 1;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new TypeError('maxBatch must be a positive integer');
  }
  if (!Number.isInteger(lanes) || lanes < 1)
    throw new TypeError('lanes must be a positive integer');
  type Waiting = { item: Item; resolve: (value: Result) => void; reject: (error: unknown) => void };
  let queue: Waiting[] = [];
  let running = 0;

  const runNext = async () => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const outcomes = await runBatch(batch.map((waiting) => waiting.item));
        batch.forEach((waiting, index) => {
          const outcome = outcomes[index];
          if (!outcome) waiting.reject(new Error('The batch gave no outcome for this item'));
          else if ('error' in outcome) waiting.reject(outcome.error);
          else waiting.resolve(outcome.value);
        });
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    running -= 1;
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running >= lanes) return;
      running += 1;
      // setImmediate rather than a microtask, so the callers of this turn join the batch.
      setImmediate(() => void runNext());
    });
}
