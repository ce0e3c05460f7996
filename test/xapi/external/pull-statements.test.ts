import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.js';
import { externalLrsConnections, statements as statementsTable } from '../../../src/db/schema.js';
import { forwardStatementsJob } from '../../../src/xapi/external/forward-statements.js';
import {
  PULL_INTERVAL_MS,
  pullStatementsJob,
  schedulePulls,
} from '../../../src/xapi/external/pull-statements.js';
import { freePort } from '../../support/test-tool.js';
import { xapiRequest } from '../lrs-test-server.js';
import {
  PASSED,
  passedStatement,
  startExternalLrs,
  startToolWithLearner,
  type ExternalLrs,
  type ToolWithLearner,
} from './external-lrs-world.js';

describe('pulling statements from an external LRS (xapi/external/pull-statements.ts)', () => {
  let world: ToolWithLearner;
  let external: ExternalLrs;
  const logLines: string[] = [];
  /** Each pull a test asks for falls into a new time slot, as the schedule's would. */
  let slot = 0;

  beforeAll(async () => {
    [world, external] = await Promise.all([
      startToolWithLearner({ logger: createLogger('warn', (line) => logLines.push(line)) }),
      startExternalLrs(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([world?.close(), external?.close()]);
  });
  afterEach(async () => {
    await world.disconnectAll();
  });

  const connect = (connection?: Record<string, unknown>) =>
    world.connect(external, 'pull', connection);

  async function pull(): Promise<void> {
    slot += 1;
    await schedulePulls(world.db, new Date(Date.now() + slot * PULL_INTERVAL_MS));
    await world.drain();
  }

  async function connectionRow(id: string) {
    const [row] = await world.db
      .select()
      .from(externalLrsConnections)
      .where(eq(externalLrsConnections.id, id));
    return row;
  }

  async function pulledThrough(connectionId: string) {
    return world.db
      .select()
      .from(statementsTable)
      .where(eq(statementsTable.credentialKey, `external-lrs:${connectionId}`));
  }

  async function storedInExternal(ids: string[]): Promise<string[]> {
    const rows = await external.db
      .select({ stored: statementsTable.stored })
      .from(statementsTable)
      .where(inArray(statementsTable.id, ids))
      .orderBy(statementsTable.stored);
    return rows.map((row) => row.stored.toISOString());
  }

  it("stores the external LRS's statements as the platform's, resolved to its learner, and advances the cursor", async () => {
    const sent = [passedStatement(world.learner.actor), passedStatement(world.learner.actor)];
    expect((await external.post(sent)).status).toBe(200);
    const connectionId = await connect();
    await pull();

    const rows = await world.db
      .select()
      .from(statementsTable)
      .where(
        inArray(
          statementsTable.id,
          sent.map((statement) => statement.id),
        ),
      );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({
        userId: world.learner.id,
        source: 'platform',
        credentialKey: `external-lrs:${connectionId}`,
      });
    }
    const fromTool = await xapiRequest(
      `${world.tool.url}/xapi`,
      world.platformAuthorization,
      `/statements?statementId=${sent[0]?.id}`,
    );
    expect(fromTool.status).toBe(200);
    expect(await connectionRow(connectionId)).toMatchObject({
      pullMore: null,
      lastPullError: null,
      lastPulledAt: expect.any(Date),
    });
    const connection = await connectionRow(connectionId);
    expect(new Date(connection?.pullSince ?? 0).getTime()).toBeGreaterThanOrEqual(
      new Date((await storedInExternal(sent.map((statement) => statement.id)))[1] ?? '').getTime(),
    );
  });

  it('stores nothing new on the next pull, and then only what the external LRS stored since', async () => {
    expect((await external.post(passedStatement(world.learner.actor))).status).toBe(200);
    const connectionId = await connect();
    await pull();
    const first = await pulledThrough(connectionId);
    expect(first.length).toBeGreaterThan(0);

    await pull();
    expect(await pulledThrough(connectionId)).toHaveLength(first.length);
    const later = passedStatement(world.learner.actor);
    await external.post(later);
    await pull();
    const after = await pulledThrough(connectionId);
    expect(after.map((row) => row.id).sort()).toEqual(
      [...first.map((row) => row.id), later.id].sort(),
    );
    const [laterStored] = await storedInExternal([later.id]);
    expect((await connectionRow(connectionId))?.pullSince).toBe(laterStored);
  });

  it('pulls only statements stored after the since it was given', async () => {
    const before = passedStatement(world.learner.actor);
    await external.post(before);
    const [beforeStored] = await storedInExternal([before.id]);
    const after = passedStatement(world.learner.actor);
    await external.post(after);
    const connectionId = await connect({ since: beforeStored });
    await pull();
    expect((await pulledThrough(connectionId)).map((row) => row.id)).toEqual([after.id]);
  });

  it('follows more through every page of a long listing', async () => {
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const batch = Array.from({ length: 130 }, () => passedStatement(world.learner.actor));
    expect((await external.post(batch)).status).toBe(200);
    const connectionId = await connect({ since });
    await pull();
    expect(await pulledThrough(connectionId)).toHaveLength(130);
    expect((await connectionRow(connectionId))?.pullMore).toBeNull();
  });

  it('does not forward pulled statements back to the external LRS they came from', async () => {
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const pulled = passedStatement(world.learner.actor);
    await external.post(pulled);
    const connectionId = await connect({ direction: 'both', since });
    await pull();
    expect((await pulledThrough(connectionId)).map((row) => row.id)).toEqual([pulled.id]);

    const sentToTool = passedStatement(world.learner.actor);
    expect((await world.post(sentToTool)).status).toBe(200);
    await world.drain();
    const forwarded = (await world.jobs(forwardStatementsJob.name))
      .filter((job) => job.payload.connectionId === connectionId)
      .flatMap((job) => job.payload.statementIds as string[]);
    expect(forwarded).toEqual([sentToTool.id]);
    expect((await external.statement(sentToTool.id)).status).toBe(200);
  });

  it('skips an invalid statement of the external LRS with a logged reason and stores the others', async () => {
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const invalidId = randomUUID();
    await external.db.insert(statementsTable).values({
      id: invalidId,
      verbId: PASSED,
      source: 'platform',
      stored: new Date(),
      statement: {
        id: invalidId,
        actor: {
          mbox: 'mailto:two@example.org',
          account: { homePage: 'https://x.org', name: 'x' },
        },
        verb: { id: PASSED },
        object: { id: 'https://courses.example.org/quiz/1' },
        stored: new Date().toISOString(),
      },
    });
    const valid = passedStatement(world.learner.actor);
    await external.post(valid);
    const connectionId = await connect({ since });
    await pull();

    expect((await pulledThrough(connectionId)).map((row) => row.id)).toEqual([valid.id]);
    const skipped = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.message === 'pulled statement skipped');
    expect(skipped).toMatchObject({
      connectionId,
      statementId: invalidId,
      reason: expect.stringContaining('actor'),
    });
  });

  it('keeps the failure as the job error and the last pull error while the external LRS is down', async () => {
    const port = await freePort();
    const connectionId = await connect({ endpoint: `http://127.0.0.1:${port}/xapi` });
    await pull();
    const [job] = (await world.jobs(pullStatementsJob.name)).filter(
      (item) => item.payload.connectionId === connectionId,
    );
    expect(job).toMatchObject({
      status: 'pending',
      lastError: expect.stringContaining('could not get an answer from the other server'),
    });
    // Whether a port answered stays in the debug log (outgoing-requests.ts).
    expect(job?.lastError).not.toContain('ECONNREFUSED');
    expect((await connectionRow(connectionId))?.lastPullError).toBe(job?.lastError);
  });
});
