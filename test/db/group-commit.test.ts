import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/db/group-commit.js';

describe('groupCommit', () => {
  it('hands calls made while a batch runs to the next batch together', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const firstBatchHeld = new Promise<void>((resolve) => (release = resolve));
    const double = groupCommit<number, number>({
      maxBatch: 10,
      runBatch: async (items) => {
        batches.push([...items]);
        if (batches.length === 1) await firstBatchHeld;
        return items.map((item) => ({ value: item * 2 }));
      },
    });

    const first = double(1);
    await new Promise((resolve) => setImmediate(resolve));
    const waiting = [double(2), double(3), double(4)];
    release();

    expect(await Promise.all([first, ...waiting])).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('never puts more than maxBatch calls in one batch', async () => {
    const sizes: number[] = [];
    const echo = groupCommit<number, number>({
      maxBatch: 2,
      runBatch: async (items) => {
        sizes.push(items.length);
        return items.map((value) => ({ value }));
      },
    });

    await Promise.all([1, 2, 3, 4, 5].map((item) => echo(item)));

    expect(sizes).toEqual([2, 2, 1]);
  });

  it('rejects only the calls whose outcome is an error', async () => {
    const check = groupCommit<number, number>({
      maxBatch: 10,
      runBatch: async (items) =>
        items.map((item) => (item < 0 ? { error: new RangeError(`${item}`) } : { value: item })),
    });

    const results = await Promise.allSettled([check(1), check(-1), check(2)]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
