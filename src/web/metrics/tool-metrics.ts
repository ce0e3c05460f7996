/**
 * What the tool tells Prometheus (`GET /metrics`), on one registry per app instance (two tools
 * in one process keep apart). Counters count what this process did since it started, as
 * Prometheus expects of each process behind a load balancer (sum them across processes); the
 * queue and the credentials are read from the database at each scrape, so every process
 * reports the same shared figures.
 */
import { sql } from 'drizzle-orm';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { gradeJob } from '../../awards/award-jobs.js';
import type { Db } from '../../db/database.js';
import { rowsOf } from '../../db/raw-rows.js';
import type { JobRunOutcome } from '../../jobs/job-worker.js';
import { forwardStatementsJob } from '../../xapi/external/forward-statements.js';
import type { OnStatementsStored } from '../../xapi/statement-store.js';

/** Job kinds that deliver something to another system, and what that system is. */
const DELIVERY_TARGETS: Readonly<Record<string, string>> = {
  [gradeJob.name]: 'lms-gradebook',
  [forwardStatementsJob.name]: 'external-lrs',
};

/**
 * How the workers of one `serve --workers` combine a figure every worker reads alike (from the
 * database, the version): taken once, where summing would count it once per worker.
 */
const SAME_IN_EVERY_WORKER = 'first';

export interface ToolMetrics {
  readonly registry: Registry;
  /** An LTI launch ended: `launched`, or refused with its error code. */
  countLaunch(outcome: { isLaunched: true } | { isLaunched: false; code: string }): void;
  /** Counts stored statements by source; chain it into the LRS's statements-stored hook. */
  readonly countStoredStatements: OnStatementsStored;
  /** A statement request (POST or PUT /xapi/statements) was refused with this status. */
  countRefusedStatementRequest(status: number): void;
  /** The job worker finished one run of a job. */
  countJobRun(kind: string, outcome: JobRunOutcome): void;
  /** One HTTP request took `seconds`; `route` is the route pattern, never the raw URL. */
  observeRequest(request: { method: string; route: string; status: number; seconds: number }): void;
}

export function createToolMetrics(options: { db: Db; toolVersion: string }): ToolMetrics {
  const { db } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'microcred_process_' });

  new Gauge({
    name: 'microcred_build_info',
    aggregator: SAME_IN_EVERY_WORKER,
    help: 'Always 1; its label names the version of the tool.',
    labelNames: ['version'],
    registers: [registry],
  }).set({ version: options.toolVersion }, 1);

  const launches = new Counter({
    name: 'microcred_lti_launches_total',
    help: 'LTI launches this process ended, by outcome (launched or refused) and refusal code.',
    labelNames: ['outcome', 'code'],
    registers: [registry],
  });
  const statementsStored = new Counter({
    name: 'microcred_xapi_statements_stored_total',
    help: 'xAPI statements this process stored (sent to the LRS or pulled), by source.',
    labelNames: ['source'],
    registers: [registry],
  });
  const statementRequestsRefused = new Counter({
    name: 'microcred_xapi_statement_requests_refused_total',
    help: 'Requests to store statements (POST or PUT /xapi/statements) this process refused, by HTTP status.',
    labelNames: ['status'],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'microcred_job_runs_total',
    help: 'Job runs this process finished, by job kind and outcome (succeeded, retrying, failed for good, deferred).',
    labelNames: ['kind', 'outcome'],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'microcred_deliveries_total',
    help: 'Deliveries to other systems this process tried: scores to the LMS gradebook (AGS) and statements to external LRSs, by outcome (delivered, failed).',
    labelNames: ['target', 'outcome'],
    registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'microcred_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const requestTimers = new Map<string, { observe(seconds: number): void }>();

  new Gauge({
    name: 'microcred_jobs_queued',
    aggregator: SAME_IN_EVERY_WORKER,
    help: 'Jobs waiting to run (pending, including those being retried), by kind; read from the database.',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await pendingJobs(db)) this.set({ kind: row.kind }, Number(row.queued));
    },
  });
  new Gauge({
    name: 'microcred_jobs_oldest_age_seconds',
    aggregator: SAME_IN_EVERY_WORKER,
    help: 'Age of the oldest job waiting to run, by kind; read from the database.',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await pendingJobs(db)) {
        this.set({ kind: row.kind }, Number(row.oldest_age_seconds));
      }
    },
  });
  new Gauge({
    name: 'microcred_credentials',
    aggregator: SAME_IN_EVERY_WORKER,
    help: 'Credentials issued by the tool (all processes), by status: valid or revoked; read from the database.',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const result = await db.execute(sql`
        select count(*) filter (where revoked_at is null) as valid,
               count(*) filter (where revoked_at is not null) as revoked
        from credential_records`);
      const [counts] = rowsOf<{ valid: string; revoked: string }>(result);
      this.set({ status: 'valid' }, Number(counts?.valid ?? 0));
      this.set({ status: 'revoked' }, Number(counts?.revoked ?? 0));
    },
  });

  return {
    registry,
    countLaunch(outcome) {
      if (outcome.isLaunched) launches.inc({ outcome: 'launched', code: '' });
      else launches.inc({ outcome: 'refused', code: outcome.code });
    },
    countStoredStatements: async (_tx, stored) => {
      const bySource = new Map<string, number>();
      for (const { source } of stored) bySource.set(source, (bySource.get(source) ?? 0) + 1);
      for (const [source, count] of bySource) statementsStored.inc({ source }, count);
    },
    countRefusedStatementRequest(status) {
      statementRequestsRefused.inc({ status: String(status) });
    },
    countJobRun(kind, outcome) {
      jobRuns.inc({ kind, outcome });
      const target = DELIVERY_TARGETS[kind];
      if (target === undefined || outcome === 'deferred') return;
      deliveries.inc({ target, outcome: outcome === 'succeeded' ? 'delivered' : 'failed' });
    },
    observeRequest({ method, route, status, seconds }) {
      // One child per label set, found by a plain key: prom-client would hash the labels on
      // every request. Routes are patterns, so the set stays small.
      const key = `${method} ${status} ${route}`;
      let timer = requestTimers.get(key);
      if (!timer) {
        timer = requestSeconds.labels({ method, route, status: String(status) });
        requestTimers.set(key, timer);
      }
      timer.observe(seconds);
    },
  };
}

/** The pending jobs by kind, with the age of the oldest, in one query for both gauges. */
async function pendingJobs(db: Db) {
  const result = await db.execute(sql`
    select kind, count(*) as queued,
           extract(epoch from now() - min(created_at)) as oldest_age_seconds
    from outbox where status = 'pending' group by kind`);
  return rowsOf<{ kind: string; queued: string; oldest_age_seconds: string }>(result);
}
