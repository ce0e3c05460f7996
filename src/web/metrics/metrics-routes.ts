import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { Db, StorageMode } from '../../db/database.js';
import { ping } from '../../db/database.js';
import { appliedMigration, latestMigration } from '../../db/migration-level.js';
import { UnauthorizedError } from '../../errors.js';
import type { ToolMetrics } from './tool-metrics.js';

/**
 * Times every request by its route pattern (`/credentials/:id`, never the raw URL, which
 * would make one series per credential) and counts refused statement requests. Mounted
 * first, so that it sees every response.
 */
export function measureRequests(metrics: ToolMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      metrics.observeRequest({
        method: req.method,
        route,
        status: res.statusCode,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
      const isStatementWrite =
        (req.method === 'POST' || req.method === 'PUT') && route === '/xapi/statements';
      if (isStatementWrite && res.statusCode >= 400) {
        metrics.countRefusedStatementRequest(res.statusCode);
      }
    });
    next();
  };
}

/**
 * `GET /metrics` (Prometheus text format; with `metricsToken` set, only for
 * `Authorization: Bearer <token>`), `GET /health/live` (the process answers) and
 * `GET /health/ready` (the database answers and has every migration of this version: send
 * traffic here). `GET /health` stays as it was: the database answers.
 */
export function createMetricsRouter(options: {
  db: Db;
  storageMode: StorageMode;
  metrics: ToolMetrics;
  metricsToken: string | undefined;
  /** The metrics text; by default this process's registry (cluster-metrics.ts: all workers'). */
  readMetrics?: () => Promise<string>;
}): Router {
  const { db, storageMode, metrics, metricsToken } = options;
  const readMetrics = options.readMetrics ?? (() => metrics.registry.metrics());
  const router = Router();

  router.get('/metrics', async (req, res) => {
    if (metricsToken !== undefined && !isBearer(req.get('authorization'), metricsToken)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedError(
        'The metrics need the bearer token set in MICROCRED_METRICS_TOKEN.',
      );
    }
    res.type(metrics.registry.contentType).send(await readMetrics());
  });

  router.get('/health', async (_req, res) => {
    try {
      await ping(db);
      res.json({ status: 'ok', storage: storageMode });
    } catch {
      res.status(503).json({ status: 'unavailable', storage: storageMode });
    }
  });

  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/health/ready', async (_req, res) => {
    const expected = latestMigration();
    let applied: string | null;
    try {
      applied = await appliedMigration(db);
    } catch {
      res
        .status(503)
        .json({ status: 'unavailable', storage: storageMode, database: 'unreachable' });
      return;
    }
    const isMigrated = applied === expected;
    res.status(isMigrated ? 200 : 503).json({
      status: isMigrated ? 'ok' : 'unavailable',
      storage: storageMode,
      database: 'reachable',
      migration: { applied, expected },
    });
  });

  return router;
}

function isBearer(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
