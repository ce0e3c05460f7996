import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeCredentialStatus } from '../../../src/badges/status-list.js';
import { rowsOf } from '../../../src/db/raw-rows.js';
import { outbox } from '../../../src/db/schema.js';
import { gradeJob } from '../../../src/awards/award-jobs.js';
import { createBrowser } from '../../support/http-client.js';
import { givenIssuingCourse } from '../../support/issuing-course.js';
import { platformXapiAuthorization, postStatements } from '../../support/platform-xapi.js';
import { LTI_ROLES, type TestLms } from '../../support/test-lms.js';
import type { TestTool } from '../../support/test-tool.js';
import { startToolWithLms } from '../../support/tool-with-lms.js';

const METRICS_TOKEN = 'metrics-test-token-'.padEnd(40, 'm');

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Reads the Prometheus text exposition format (version 0.0.4): one sample per line. */
function parsePrometheus(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`Not a Prometheus sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        labels[key!] = value!;
      }
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with this name and these labels (0 when there is none). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match`);
  return found[0]?.value ?? 0;
}

describe('GET /metrics and the health checks', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;

  const scrape = async () => {
    const response = await fetch(`${tool.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(await response.text());
  };

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms({
      env: { MICROCRED_METRICS_TOKEN: METRICS_TOKEN },
    }));
  });
  afterAll(() => close());

  it('counts launches by outcome and refusal code', async () => {
    const before = await scrape();
    await lms.launch({ browser: createBrowser(), user: { id: 'ada' }, roles: [LTI_ROLES.learner] });
    await lms.launch({
      browser: createBrowser(),
      user: { id: 'eve' },
      roles: [LTI_ROLES.learner],
      tamper: { nonce: 'a-nonce-the-tool-never-issued' },
    });
    const after = await scrape();
    const launched = { outcome: 'launched' };
    expect(valueOf(after, 'microcred_lti_launches_total', launched)).toBe(
      valueOf(before, 'microcred_lti_launches_total', launched) + 1,
    );
    const refused = after.filter(
      (sample) =>
        sample.name === 'microcred_lti_launches_total' && sample.labels.outcome === 'refused',
    );
    expect(refused).toEqual([
      {
        name: 'microcred_lti_launches_total',
        labels: { outcome: 'refused', code: expect.stringMatching(/^LTI_/) },
        value: 1,
      },
    ]);
  });

  it('counts statements stored by source and statement requests refused by status', async () => {
    const authorization = await platformXapiAuthorization(tool, lms);
    const statement = (name: string) => ({
      actor: { objectType: 'Agent', account: { homePage: lms.issuer, name } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
      object: { objectType: 'Activity', id: 'https://mooc.example/page' },
    });
    const before = await scrape();
    expect(
      (await postStatements(tool, authorization, [statement('a'), statement('b')])).status,
    ).toBe(200);
    expect((await postStatements(tool, authorization, { verb: 'not a statement' })).status).toBe(
      400,
    );
    const after = await scrape();
    const stored = { source: 'platform' };
    expect(valueOf(after, 'microcred_xapi_statements_stored_total', stored)).toBe(
      valueOf(before, 'microcred_xapi_statements_stored_total', stored) + 2,
    );
    expect(
      valueOf(after, 'microcred_xapi_statement_requests_refused_total', { status: '400' }),
    ).toBe(
      valueOf(before, 'microcred_xapi_statement_requests_refused_total', { status: '400' }) + 1,
    );
  });

  it('reports the credentials issued and revoked, as the database holds them', async () => {
    const { db } = tool.current().database;
    const before = await scrape();
    const course = await givenIssuingCourse(db);
    const [kept, revoked] = [await course.award('grace'), await course.award('hopper')];
    await changeCredentialStatus(db, {
      credentialId: revoked,
      action: 'revoke',
      reason: 'Issued in error',
      actor: null,
    });
    const after = await scrape();
    expect(kept).not.toBe(revoked);
    expect(valueOf(after, 'microcred_credentials', { status: 'valid' })).toBe(
      valueOf(before, 'microcred_credentials', { status: 'valid' }) + 1,
    );
    expect(valueOf(after, 'microcred_credentials', { status: 'revoked' })).toBe(
      valueOf(before, 'microcred_credentials', { status: 'revoked' }) + 1,
    );
    expect(
      valueOf(after, 'microcred_job_runs_total', {
        kind: 'evaluate-learner',
        outcome: 'succeeded',
      }),
    ).toBeGreaterThan(0);
  });

  it('reads the job queue depth and the oldest job’s age by kind from the database', async () => {
    const { db } = tool.current().database;
    const later = new Date(Date.now() + 3_600_000);
    await db.insert(outbox).values(
      [1, 2, 3].map((n) => ({
        kind: 'queued-for-the-metrics-test',
        dedupeKey: `metrics-test-${n}`,
        payload: {},
        nextAttemptAt: later,
        createdAt: new Date(Date.now() - n * 60_000),
      })),
    );
    const samples = await scrape();
    const kind = { kind: 'queued-for-the-metrics-test' };
    expect(valueOf(samples, 'microcred_jobs_queued', kind)).toBe(3);
    expect(valueOf(samples, 'microcred_jobs_oldest_age_seconds', kind)).toBeGreaterThanOrEqual(180);
    expect(valueOf(samples, 'microcred_jobs_oldest_age_seconds', kind)).toBeLessThan(240);
  });

  it('counts a failed delivery of a grade to the LMS', async () => {
    const { db } = tool.current().database;
    const before = await scrape();
    // A grade job whose stored payload is unusable fails for good at its first run.
    await db.insert(outbox).values({
      kind: gradeJob.name,
      dedupeKey: 'metrics-test-broken-grade',
      payload: { broken: true },
    });
    tool.current().outbox.kick();
    await tool.current().outbox.drain();
    const after = await scrape();
    const failed = { target: 'lms-gradebook', outcome: 'failed' };
    expect(valueOf(after, 'microcred_deliveries_total', failed)).toBe(
      valueOf(before, 'microcred_deliveries_total', failed) + 1,
    );
  });

  it('times requests by route pattern, never by raw URL', async () => {
    const id = '00000000-0000-4000-8000-000000000042';
    expect((await fetch(`${tool.url}/credentials/${id}`)).status).toBe(404);
    const samples = await scrape();
    const route = { method: 'GET', route: '/credentials/:id', status: '404' };
    expect(valueOf(samples, 'microcred_http_request_duration_seconds_count', route)).toBe(1);
    expect(samples.some((sample) => Object.values(sample.labels).some((v) => v.includes(id)))).toBe(
      false,
    );
  });

  it('answers /metrics only with the bearer token when one is set', async () => {
    expect((await fetch(`${tool.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${tool.url}/metrics`, {
      headers: { authorization: `Bearer ${'x'.repeat(40)}` },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  describe('health', () => {
    it('keeps /health, and answers /health/live without asking the database', async () => {
      expect(await (await fetch(`${tool.url}/health`)).json()).toMatchObject({ status: 'ok' });
      const live = await fetch(`${tool.url}/health/live`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'ok' });
    });

    it('is ready when the database answers and has every migration, and not ready without the last', async () => {
      const ready = await fetch(`${tool.url}/health/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as { migration: { applied: string; expected: string } };
      expect(body).toMatchObject({ status: 'ok', database: 'reachable' });
      expect(body.migration.applied).toBe(body.migration.expected);

      const { db } = tool.current().database;
      const removed = rowsOf<{ hash: string; created_at: string }>(
        await db.execute(sql`
          delete from drizzle.__drizzle_migrations
          where created_at = (select max(created_at) from drizzle.__drizzle_migrations)
          returning hash, created_at`),
      );
      try {
        const behind = await fetch(`${tool.url}/health/ready`);
        expect(behind.status).toBe(503);
        expect(await behind.json()).toMatchObject({
          status: 'unavailable',
          migration: { expected: body.migration.expected },
        });
      } finally {
        for (const row of removed) {
          await db.execute(
            sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${row.hash}, ${row.created_at})`,
          );
        }
      }
    });
  });
});
