import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.js';
import { externalLrsConnections, statements as statementsTable } from '../../../src/db/schema.js';
import { forwardStatementsJob } from '../../../src/xapi/external/forward-statements.js';
import { schedulePulls, PULL_INTERVAL_MS } from '../../../src/xapi/external/pull-statements.js';
import {
  passedStatement,
  startExternalLrs,
  startToolWithLearner,
  type ExternalLrs,
  type ToolWithLearner,
} from './external-lrs-world.js';

const GENERIC_FAILURE =
  'failed: microcred could not get an answer from the other server. Check the address, or try again later.';

/**
 * External LRSs are reached only through the outgoing request module: one at an address that
 * is not allowed (127.0.0.2: loopback, but the tests allow only 127.0.0.1) gets nothing and
 * gives nothing, and the connection's error says no more than for an LRS that is down.
 */
describe('external LRS at an address outgoing requests may not reach', () => {
  let world: ToolWithLearner;
  let external: ExternalLrs;
  const log: string[] = [];

  beforeAll(async () => {
    [world, external] = await Promise.all([
      startToolWithLearner({ logger: createLogger('debug', (line) => log.push(line)) }),
      startExternalLrs({ host: '127.0.0.2' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([world?.close(), external?.close()]);
  });
  afterEach(async () => {
    await world.disconnectAll();
  });

  const connectionRow = async (id: string) =>
    (
      await world.db.select().from(externalLrsConnections).where(eq(externalLrsConnections.id, id))
    )[0];

  it('forwards nothing there and records only the generic error', async () => {
    const connectionId = await world.connect(external, 'forward');
    const statement = passedStatement(world.learner.actor);
    await world.post(statement);
    await world.drain();

    const [job] = (await world.jobs(forwardStatementsJob.name)).filter(
      (candidate) => candidate.payload.connectionId === connectionId,
    );
    expect(job).toMatchObject({ status: 'pending', attempts: 1 });
    expect(job?.lastError).toContain(GENERIC_FAILURE);
    expect((await connectionRow(connectionId))?.lastForwardError).toBe(job?.lastError);
    expect((await external.statement(statement.id)).status).toBe(404);
    expect(log.join('')).toContain('address 127.0.0.2 is not public and not allowed');
  });

  it('pulls nothing from there and records only the generic error', async () => {
    const statement = passedStatement(world.learner.actor);
    expect((await external.post(statement)).status).toBe(200);
    const connectionId = await world.connect(external, 'pull');
    await schedulePulls(world.db, new Date(Date.now() + PULL_INTERVAL_MS));
    await world.drain();

    expect((await connectionRow(connectionId))?.lastPullError).toContain(GENERIC_FAILURE);
    const pulled = await world.db
      .select()
      .from(statementsTable)
      .where(eq(statementsTable.id, statement.id));
    expect(pulled).toEqual([]);
  });
});
