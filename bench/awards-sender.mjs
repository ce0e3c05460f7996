/**
 * The load generator of bench/awards.ts, run in a worker thread so that sending statements does
 * not take the event loop of the tool it measures: posts each planned statement at its due time
 * and reports, per statement, the absolute time (ms since the epoch, performance clock) of its
 * acknowledgment, or null when it was refused or failed. Plain JavaScript: worker threads do
 * not get tsx's loader. The plan and the report are typed in bench/awards.ts (SenderPlan,
 * SenderReport).
 */
import { parentPort, workerData } from 'node:worker_threads';

const now = () => performance.timeOrigin + performance.now();

/** @param {{ url: string, authorization: string, rate: number, bodies: unknown[] }} plan */
async function send(plan) {
  /** @type {(number | null)[]} */
  const acks = [];
  /** @type {number[]} */
  const latencies = [];
  /** @type {Promise<void>[]} */
  const inflight = [];
  const started = now();
  for (const [index, body] of plan.bodies.entries()) {
    const wait = started + (index * 1000) / plan.rate - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sentAt = now();
    inflight.push(
      fetch(plan.url, {
        method: 'POST',
        headers: {
          authorization: plan.authorization,
          'content-type': 'application/json',
          'x-experience-api-version': '2.0.0',
        },
        body: JSON.stringify(body),
      })
        .then(async (response) => {
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`answered ${response.status}`);
          const ack = now();
          acks[index] = ack;
          latencies.push(ack - sentAt);
        })
        .catch(() => {
          acks[index] = null;
        }),
    );
  }
  await Promise.all(inflight);
  return { acks, latencies, seconds: (now() - started) / 1000 };
}

if (parentPort) parentPort.postMessage(await send(workerData));
