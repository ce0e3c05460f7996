/**
 * `GET /metrics` when the tool runs as the workers of one `microcred serve --workers N`:
 * Prometheus scrapes one port, and whichever worker takes the request answers for all of them.
 * The worker asks the primary, which gathers the registry of every worker that is serving
 * (one that is starting, stopping or silent is left out rather than failing the scrape),
 * combines them with prom-client (counters and histograms summed, figures every worker reads
 * alike taken once) and hands the text back.
 */
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { Registry } from 'prom-client';

const ASK = 'microcred:metrics-of-all-workers';
const ANSWER = 'microcred:metrics-of-all-workers-answer';
const GATHER = 'microcred:metrics-of-one-worker';
const GATHERED = 'microcred:metrics-of-one-worker-answer';
/** How long the primary waits for each worker's registry. */
const GATHER_TIMEOUT_MS = 3_000;
/** How long a worker waits for the primary's answer. */
const ANSWER_TIMEOUT_MS = 10_000;

type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];
type Message =
  | { type: typeof ASK; id: string }
  | { type: typeof ANSWER; id: string; text?: string; error?: string }
  | { type: typeof GATHER; id: string }
  | { type: typeof GATHERED; id: string; metrics?: WorkerMetrics };

/** Sends unless the channel is closed: a worker may end while its answer is on the way. */
function sendTo(worker: Worker, message: Message): void {
  if (worker.isConnected()) worker.send(message, () => {});
}

/**
 * In the primary: answers the workers' requests for the metrics of all workers, gathered from
 * `servingWorkers()`.
 */
export function answerWorkersForMetrics(servingWorkers: () => Worker[]): void {
  const gathering = new Map<string, (metrics: WorkerMetrics | undefined) => void>();
  const gatherFrom = (worker: Worker) =>
    new Promise<WorkerMetrics | undefined>((resolve) => {
      const id = randomUUID();
      const timer = setTimeout(() => settle(undefined), GATHER_TIMEOUT_MS);
      const settle = (metrics: WorkerMetrics | undefined) => {
        clearTimeout(timer);
        gathering.delete(id);
        resolve(metrics);
      };
      gathering.set(id, settle);
      sendTo(worker, { type: GATHER, id });
    });

  cluster.on('message', (worker, message: Partial<Message>) => {
    if (typeof message.id !== 'string') return;
    if (message.type === GATHERED) gathering.get(message.id)?.(message.metrics);
    if (message.type !== ASK) return;
    const { id } = message;
    Promise.all(servingWorkers().map(gatherFrom))
      .then((gathered) =>
        AggregatorRegistry.aggregate(gathered.filter((metrics) => metrics !== undefined)).metrics(),
      )
      .then(
        (text) => sendTo(worker, { type: ANSWER, id, text }),
        (error: unknown) => sendTo(worker, { type: ANSWER, id, error: String(error) }),
      );
  });
}

/**
 * In a worker: lets the primary gather `registry`, and gives the function that reads the
 * metrics of all workers.
 */
export function metricsOfAllWorkers(registry: Registry): () => Promise<string> {
  const waiting = new Map<string, (answer: Extract<Message, { type: typeof ANSWER }>) => void>();
  const send = (message: Message) => process.send?.(message, undefined, {}, () => {});
  process.on('message', (message: Partial<Message>) => {
    if (typeof message.id !== 'string') return;
    const { id } = message;
    if (message.type === ANSWER) waiting.get(id)?.({ ...message, type: ANSWER, id });
    if (message.type === GATHER) {
      registry.getMetricsAsJSON().then(
        (metrics) => send({ type: GATHERED, id, metrics: metrics as WorkerMetrics }),
        () => send({ type: GATHERED, id }),
      );
    }
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error('The primary process did not answer with the metrics of all workers'));
      }, ANSWER_TIMEOUT_MS);
      waiting.set(id, (answer) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (answer.text !== undefined) resolve(answer.text);
        else reject(new Error(answer.error ?? 'no metrics'));
      });
      send({ type: ASK, id });
    });
}
