/**
 * The load of bench/verify-stall.ts, in a worker thread so that sending does not take the event
 * loop that measures /health: `clients` loops, each posting the worst-case inputs to /verify in
 * turn until told to stop, then reporting what came back. Plain JavaScript: worker threads do
 * not get tsx's loader. The plan and the report are typed in bench/verify-stall.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ url: string, clients: number, inputs: { name: string, type: string, body: Uint8Array }[] }} */
const plan = workerData;
let stopping = false;
parentPort?.once('message', () => {
  stopping = true;
});

/** @type {Record<string, number>} */
const answers = {};
/** @type {number[]} */
const latencies = [];

async function client(offset) {
  for (let turn = offset; !stopping; turn += 1) {
    const input = plan.inputs[turn % plan.inputs.length];
    const started = performance.now();
    let answer;
    try {
      const response = await fetch(plan.url, {
        method: 'POST',
        headers: { 'content-type': input.type },
        body: input.body,
      });
      const text = await response.text();
      answer =
        response.status === 200
          ? `${input.name}: ${JSON.parse(text).error?.code ?? JSON.parse(text).checks?.[0]?.reasonCode}`
          : `${input.name}: HTTP ${response.status}`;
    } catch (error) {
      answer = `${input.name}: ${error.message}`;
    }
    latencies.push(performance.now() - started);
    answers[answer] = (answers[answer] ?? 0) + 1;
  }
}

await Promise.all(Array.from({ length: plan.clients }, (_, index) => client(index)));
parentPort?.postMessage({ answers, latencies });
