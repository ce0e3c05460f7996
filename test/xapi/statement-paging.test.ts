import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { Statement } from '../../src/xapi/statement.js';
import type { StatementPage } from '../../src/xapi/query-statements.js';
import { queryStatements, type OnStatementsStored } from '../../src/xapi/statement-store.js';
import { validateStatement } from '../../src/xapi/validate/statement.js';
import { createTestDatabase } from '../support/test-database.js';
import { changed, minimalStatement } from './statement-examples.js';
import { storeAsPlatform } from './xapi-factories.js';

const isPostgres = process.env.DATABASE_URL !== undefined;

describe('more paging while statements keep arriving (xAPI Communication 2.1.3)', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  function statementsIn(registration: string, count: number): Statement[] {
    return Array.from({ length: count }, () =>
      validateStatement(
        changed(changed(minimalStatement(), 'id', randomUUID()), 'context', { registration }),
      ),
    );
  }

  /** Stores with the database clock, as the LRS does. */
  function store(statements: Statement[], onStored?: OnStatementsStored) {
    return storeAsPlatform(database.db, statements, onStored);
  }

  /** The ids of a page's statements, in its order. */
  function idsOn(page: StatementPage): string[] {
    return page.statementsJson.map((json) => (JSON.parse(json) as { id: string }).id);
  }

  async function pageAll(registration: string, after?: string) {
    const seen: string[] = [];
    let cursor = after;
    for (;;) {
      const page = await queryStatements(database.db, {
        registration,
        limit: 2,
        ascending: true,
        after: cursor,
      });
      seen.push(...idsOn(page));
      if (page.next === null) return seen;
      cursor = page.next;
    }
  }

  it('returns every statement exactly once, oldest first, when batches arrive between pages', async () => {
    const registration = randomUUID();
    const stored = [...(await store(statementsIn(registration, 3)))];
    const seen: string[] = [];
    let after: string | undefined;
    for (let round = 0; round < 6; round += 1) {
      const page = await queryStatements(database.db, {
        registration,
        limit: 2,
        ascending: true,
        after,
      });
      seen.push(...idsOn(page));
      stored.push(...(await store(statementsIn(registration, 3))));
      after = page.next ?? after;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen.push(...(await pageAll(registration, after)));
    expect(seen).toEqual(stored);
  });

  it('returns every statement exactly once, newest first, when batches arrive between pages', async () => {
    const registration = randomUUID();
    const before = await store(statementsIn(registration, 5));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await queryStatements(database.db, {
        registration,
        limit: 2,
        ascending: false,
        after,
      });
      seen.push(...idsOn(page));
      await store(statementsIn(registration, 2));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual([...before].reverse());
  });

  it.runIf(isPostgres)(
    'holds back statements stored after a transaction still open, until it commits',
    async () => {
      const registration = randomUUID();
      const early = await store(statementsIn(registration, 2));
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let isStoring: () => void = () => {};
      const storing = new Promise<void>((resolve) => {
        isStoring = resolve;
      });
      const slow = statementsIn(registration, 1);
      const slowDone = store(slow, async () => {
        isStoring();
        await held;
      });
      await storing;
      const fast = await store(statementsIn(registration, 1));

      const whileOpen = await pageAll(registration);
      expect(whileOpen).toEqual(early);

      release();
      await slowDone;
      await new Promise((resolve) => setTimeout(resolve, 5));
      expect(await pageAll(registration)).toEqual([...early, slow[0]?.id, ...fast]);
    },
  );
});
