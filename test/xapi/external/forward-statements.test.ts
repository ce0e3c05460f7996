import { createHash, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  courses,
  enrolments,
  externalLrsConnections,
  xapiAttachments,
} from '../../../src/db/schema.js';
import { buildMultipart } from '../../../src/xapi/multipart-mixed.js';
import { forwardStatementsJob } from '../../../src/xapi/external/forward-statements.js';
import { freePort } from '../../support/test-tool.js';
import { xapiRequest } from '../lrs-test-server.js';
import { buildUser } from '../xapi-factories.js';
import {
  makeJobsDue,
  passedStatement,
  startExternalLrs,
  startToolWithLearner,
  type ExternalLrs,
  type ToolWithLearner,
} from './external-lrs-world.js';

const REFUSED_VERB = 'https://example.org/verbs/refused-by-the-external-lrs';

describe('forwarding stored statements to an external LRS (xapi/external/forward-statements.ts)', () => {
  let world: ToolWithLearner;
  let external: ExternalLrs;
  /** An external LRS that is not listening until a test brings it up. */
  let down: ExternalLrs;

  beforeAll(async () => {
    [world, external, down] = await Promise.all([
      startToolWithLearner(),
      startExternalLrs({ refusedVerb: REFUSED_VERB }),
      freePort().then((port) => startExternalLrs({ port, isDown: true })),
    ]);
  });
  afterAll(async () => {
    await Promise.all([world?.close(), external?.close(), down?.close()]);
  });
  afterEach(async () => {
    await world.disconnectAll();
  });

  const connect = (connection?: Record<string, unknown>) =>
    world.connect(external, 'forward', connection);

  it('sends a statement the platform posted to the external LRS, which returns it by id', async () => {
    await connect();
    const statement = passedStatement(world.learner.actor);
    expect((await world.post(statement)).status).toBe(200);
    await world.drain();

    const response = await external.statement(statement.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: statement.id,
      actor: world.learner.actor,
      verb: { id: statement.verb.id },
    });
  });

  it('sends a statement with its attachments as multipart/mixed, every content intact', async () => {
    await connect();
    const contents = [Buffer.from('first essay\r\n'), Buffer.from([0, 1, 2, 13, 10, 45, 45])];
    const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
    const statement = {
      ...passedStatement(world.learner.actor),
      attachments: contents.map((content, index) => ({
        usageType: 'https://example.org/essay',
        display: { en: `Essay ${index}` },
        contentType: 'application/octet-stream',
        length: content.length,
        sha2: sha256(content),
      })),
    };
    const { body, contentType } = buildMultipart([
      {
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify(statement)),
      },
      ...contents.map((content) => ({
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Transfer-Encoding': 'binary',
          'X-Experience-API-Hash': sha256(content),
        },
        body: content,
      })),
    ]);
    const posted = await xapiRequest(
      `${world.tool.url}/xapi`,
      world.platformAuthorization,
      '/statements',
      {
        method: 'POST',
        body,
        headers: { 'Content-Type': contentType },
      },
    );
    expect(posted.status).toBe(200);
    await world.drain();

    expect((await external.statement(statement.id)).status).toBe(200);
    const stored = await external.db.select().from(xapiAttachments);
    for (const content of contents) {
      expect(stored.find((row) => row.sha2 === sha256(content))?.contentBase64).toBe(
        content.toString('base64'),
      );
    }
  });

  it('queues nothing for a statement sent again with the same id', async () => {
    const connectionId = await connect();
    const statement = passedStatement(world.learner.actor);
    await world.post(statement);
    await world.post(statement);

    const jobs = (await world.jobs(forwardStatementsJob.name)).filter(
      (job) => job.payload.connectionId === connectionId,
    );
    expect(jobs.map((job) => job.payload.statementIds)).toEqual([[statement.id]]);
    await world.drain();
  });

  it('sends a batch in one job and keeps the statements of learners of other platforms back', async () => {
    const connectionId = await connect();
    const batch = [passedStatement(world.learner.actor), passedStatement(world.learner.actor)];
    const stranger = passedStatement({ mbox: 'mailto:nobody@example.org' });
    await world.post([...batch, stranger]);

    const [job] = (await world.jobs(forwardStatementsJob.name)).filter(
      (item) => item.payload.connectionId === connectionId,
    );
    expect(job?.payload.statementIds).toEqual(batch.map((statement) => statement.id));
    await world.drain();
    for (const statement of batch)
      expect((await external.statement(statement.id)).status).toBe(200);
    expect((await external.statement(stranger.id)).status).toBe(404);
  });

  it('forwards, for a connection narrowed to a course, only statements of learners enrolled in it', async () => {
    const [course] = await world.db
      .insert(courses)
      .values({ platformId: world.platform.id, contextId: `course-${randomUUID()}` })
      .returning({ id: courses.id });
    if (!course) throw new Error('course not inserted');
    await world.db.insert(enrolments).values({
      courseId: course.id,
      userId: world.learner.id,
      role: 'learner',
      deploymentId: '1',
    });
    const outsiderSub = `outsider-${randomUUID().slice(0, 8)}`;
    await buildUser(world.db, { platformId: world.platform.id, sub: outsiderSub });
    const connectionId = await connect({ courseId: course.id });

    const enrolled = passedStatement(world.learner.actor);
    const outsider = passedStatement({
      account: { homePage: world.platform.issuer, name: outsiderSub },
    });
    await world.post([enrolled, outsider]);
    const jobs = (await world.jobs(forwardStatementsJob.name)).filter(
      (job) => job.payload.connectionId === connectionId,
    );
    expect(jobs.map((job) => job.payload.statementIds)).toEqual([[enrolled.id]]);
    await world.drain();
  });

  it('keeps the job pending with the error while the external LRS is down, and delivers on a later attempt', async () => {
    const connectionId = await connect({
      endpoint: down.baseUrl,
      key: down.key,
      secret: down.secret,
    });
    const statement = passedStatement(world.learner.actor);
    await world.post(statement);
    await world.drain();

    const [pending] = (await world.jobs(forwardStatementsJob.name)).filter(
      (job) => job.payload.connectionId === connectionId,
    );
    expect(pending).toMatchObject({ status: 'pending', attempts: 1 });
    expect(pending?.lastError).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/xapi\/statements failed/);
    const [connection] = await world.db
      .select()
      .from(externalLrsConnections)
      .where(eq(externalLrsConnections.id, connectionId));
    expect(connection?.lastForwardError).toBe(pending?.lastError);

    await down.bringUp();
    // The outbox may be retrying on its own just now: let that attempt end first.
    await world.drain();
    await makeJobsDue(world.db, forwardStatementsJob.name, connectionId);
    await world.drain();
    const [done] = (await world.jobs(forwardStatementsJob.name)).filter(
      (job) => job.payload.connectionId === connectionId,
    );
    expect(done).toMatchObject({ status: 'done', lastError: null });
    expect(done?.attempts).toBeGreaterThan(1);
    expect((await down.statement(statement.id)).status).toBe(200);
    const [recovered] = await world.db
      .select()
      .from(externalLrsConnections)
      .where(eq(externalLrsConnections.id, connectionId));
    expect(recovered?.lastForwardError).toBeNull();
  });

  it('delivers the rest of a batch the external LRS refuses, and queues the refused statement alone with the refusal', async () => {
    const connectionId = await connect();
    const accepted = [passedStatement(world.learner.actor), passedStatement(world.learner.actor)];
    const refused = passedStatement(world.learner.actor, { verbId: REFUSED_VERB });
    await world.post([accepted[0], refused, accepted[1]]);
    await world.drain();

    for (const statement of accepted)
      expect((await external.statement(statement.id)).status).toBe(200);
    expect((await external.statement(refused.id)).status).toBe(404);
    const jobs = (await world.jobs(forwardStatementsJob.name)).filter(
      (job) => job.payload.connectionId === connectionId,
    );
    expect(jobs).toMatchObject([
      { status: 'done' },
      {
        status: 'pending',
        payload: { statementIds: [refused.id] },
        lastError: expect.stringContaining(`${refused.id}: POST`),
      },
    ]);
    expect(jobs[1]?.lastError).toContain('answered 400');
  });

  it('counts a statement the external LRS already holds (409) as delivered', async () => {
    const connectionId = await connect();
    const statement = passedStatement(world.learner.actor);
    const different = { ...statement, result: { score: { scaled: 0.1 } } };
    expect((await external.post(different)).status).toBe(200);

    await world.post(statement);
    await world.drain();
    const [job] = (await world.jobs(forwardStatementsJob.name)).filter(
      (item) => item.payload.connectionId === connectionId,
    );
    expect(job).toMatchObject({ status: 'done', lastError: null });
  });

  it('sends nothing for a paused connection', async () => {
    const connectionId = await connect();
    const response = await world.admin('PATCH', `/api/admin/external-lrs/${connectionId}`, {
      isActive: false,
    });
    expect(response.status).toBe(200);
    const statement = passedStatement(world.learner.actor);
    await world.post(statement);
    await world.drain();
    expect((await external.statement(statement.id)).status).toBe(404);
  });
});
