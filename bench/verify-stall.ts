/**
 * Verify-stall benchmark (issue 14, item 5): does hostile input to POST /verify hold up the
 * rest of the tool? Starts the tool in its own process, measures GET /health alone (the
 * baseline), then again while 20 clients post worst-case inputs to /verify in a loop — a
 * megabyte of repeated `<openbadges:credential>` openings in an SVG, a PNG with thousands of
 * credential chunks, JSON nested a million levels deep, and a 2 MB credential with a did:key
 * proof that the verifier must canonicalize — and prints the /health p50 and p99 of both
 * phases and their ratio, with what /verify answered. Goal: /health p99 under 200 ms under load.
 *
 *   npx tsx bench/verify-stall.ts                       (PGlite)
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/verify-stall.ts
 *
 * BENCH_SECONDS (default 10) sets the length of each phase.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { badgePng } from '../src/badges/badge-image.js';
import { bakePng, readPngChunks, writePngChunks } from '../src/badges/bake.js';
import { createTestStorage } from '../test/support/test-database.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = 20;
const PORT = 3311;
const TOOL = `http://127.0.0.1:${PORT}`;

type SenderPlan = {
  url: string;
  clients: number;
  inputs: { name: string; type: string; body: Buffer }[];
};
type SenderReport = { answers: Record<string, number>; latencies: number[] };

const storage = await createTestStorage();
const tool = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
  env: {
    ...process.env,
    ...(storage.databaseUrl ? { DATABASE_URL: storage.databaseUrl } : {}),
    PORT: String(PORT),
    MICROCRED_PUBLIC_URL: TOOL,
    MICROCRED_SECRET: 'bench-secret-bench-secret-bench-secret',
    MICROCRED_DATA_DIR: storage.dataDir,
    MICROCRED_LOG_LEVEL: 'error',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  await untilHealthy();
  // Warm up: the first verification starts the verification workers.
  await fetch(`${TOOL}/verify`, { method: 'POST', body: 'warm-up' });
  const baseline = await measureHealth(SECONDS);
  const sender = new Worker(new URL('./verify-stall-sender.mjs', import.meta.url), {
    workerData: {
      url: `${TOOL}/verify`,
      clients: CLIENTS,
      inputs: worstCaseInputs(),
    } satisfies SenderPlan,
  });
  await setTimeout(1000);
  const loaded = await measureHealth(SECONDS);
  sender.postMessage('stop');
  const [report] = (await once(sender, 'message')) as [SenderReport];
  await sender.terminate();

  const figures = (latencies: number[]) =>
    `p50 ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms (${latencies.length} requests)`;
  console.log(
    `GET /health, one request at a time, ${SECONDS} s per phase, ${storage.databaseUrl ? 'PostgreSQL' : 'PGlite'}`,
  );
  console.log(`  alone:                                ${figures(baseline)}`);
  console.log(`  with ${CLIENTS} clients looping on /verify:  ${figures(loaded)}`);
  console.log(
    `  ratio under load / alone:             p50 ×${(quantile(loaded, 0.5) / quantile(baseline, 0.5)).toFixed(2)}, p99 ×${(quantile(loaded, 0.99) / quantile(baseline, 0.99)).toFixed(2)}`,
  );
  console.log(
    `  goal p99 under 200 ms under load:     ${quantile(loaded, 0.99) < 200 ? 'met' : 'NOT met'}`,
  );
  console.log(`POST /verify during the load: ${figures(report.latencies)}`);
  for (const [answer, count] of Object.entries(report.answers).sort()) {
    console.log(`  ${String(count).padStart(6)} × ${answer}`);
  }
} finally {
  tool.kill('SIGTERM');
  await once(tool, 'exit');
  await storage.drop();
}

async function untilHealthy(): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    try {
      if ((await fetch(`${TOOL}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await setTimeout(100);
  }
  throw new Error('The tool did not answer /health within a minute');
}

async function measureHealth(seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const started = performance.now();
    const response = await fetch(`${TOOL}/health`);
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    await setTimeout(10);
  }
  return latencies;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function worstCaseInputs(): SenderPlan['inputs'] {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg">${'<openbadges:credential>'.repeat(45_000)}</svg>`;
  const chunks = readPngChunks(
    bakePng(badgePng({ id: 'urn:x', name: 'Badge', image: null }), '{}'),
  );
  const credentialChunk = chunks.find((chunk) => chunk.type === 'iTXt') ?? chunks[0]!;
  const png = writePngChunks([
    ...chunks.slice(0, -1),
    ...Array<typeof credentialChunk>(5_000).fill(credentialChunk),
    chunks.at(-1)!,
  ]);
  const nested = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
  const signed = JSON.parse(
    readFileSync(
      new URL('../test/badges/fixtures/validator/simple-did-key-method.json', import.meta.url),
      'utf8',
    ),
  ) as Record<string, unknown>;
  const evidence = Array.from({ length: 12_000 }, (_, index) => ({
    id: `https://example.org/evidence/${index}`,
    type: ['Evidence'],
    narrative: `Evidence number ${index}, written out at some length to fill the credential.`,
  }));
  return [
    { name: 'SVG of repeated openings (1 MB)', type: 'image/svg+xml', body: Buffer.from(svg) },
    { name: 'PNG with 5,000 credential chunks', type: 'image/png', body: png },
    { name: 'JSON nested 10^6 deep (2 MB)', type: 'application/json', body: Buffer.from(nested) },
    {
      name: 'signed credential with 12,000 evidence entries',
      type: 'application/json',
      body: Buffer.from(JSON.stringify({ ...signed, evidence })),
    },
  ];
}
