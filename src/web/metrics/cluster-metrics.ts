/**
 * `GET /metrics` when the tool runs as several workers of one `microcred serve --workers N`:
 * Prometheus scrapes one port, and whichever worker takes the request answers for all of them.
 * The worker asks the primary, which gathers every worker's registry (prom-client's
 * AggregatorRegistry: counters and histograms summed, figures read from the database taken
 * once) and hands the text back.
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const ASK = 'microcred:metrics-of-all-workers';
const ANSWER = 'microcred:metrics-of-all-workers-answer';
const ANSWER_TIMEOUT_MS = 10_000;

interface Ask {
  type: typeof ASK;
  id: string;
}
interface Answer {
  type: typeof ANSWER;
  id: string;
  text?: string;
  error?: string;
}

/** In the primary: answers the workers' requests for the metrics of all workers. */
export function answerWorkersForMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Partial<Ask>) => {
    if (message.type !== ASK || typeof message.id !== 'string') return;
    const { id } = message;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id, text } satisfies Answer),
      (error: unknown) => worker.send({ type: ANSWER, id, error: String(error) } satisfies Answer),
    );
  });
}

/**
 * In a worker: offers `registry` to the primary's gatherings and gives the function that reads
 * the metrics of all workers.
 */
export function metricsOfAllWorkers(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one makes prom-client answer the primary's gatherings in this worker.
  new AggregatorRegistry();
  const waiting = new Map<string, (answer: Answer) => void>();
  process.on('message', (message: Partial<Answer>) => {
    if (message.type === ANSWER && typeof message.id === 'string') {
      waiting.get(message.id)?.(message as Answer);
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
      process.send?.({ type: ASK, id } satisfies Ask);
    });
}
