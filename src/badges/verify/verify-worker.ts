import { parentPort, workerData } from 'node:worker_threads';
import { microcredentialSchemaUrl } from '../microcredential-context.js';
import { validateCredential } from '../validate-credential.js';
import { createCredentialVerifier } from './verify-credential.js';
import type { FromWorker, LookupRequest, ToWorker, WorkerSetup } from './verification-pool.js';
import type { VerifierLookups } from './verifier-lookups.js';

/**
 * A verification worker (verification-pool.ts): verifies one input at a time, with the
 * partner's documents that came with it, and asks the thread that holds the database for our
 * DID documents and status list entries.
 */

if (!parentPort) throw new TypeError('verify-worker.ts runs only as a worker thread');
const port = parentPort;
const { publicUrl } = workerData as WorkerSetup;
const send = (message: FromWorker) => port.postMessage(message);

const answers = new Map<
  number,
  { resolve: (value: unknown) => void; reject: (error: Error) => void }
>();
let lastLookupId = 0;
const ask = <T>(request: LookupRequest) =>
  new Promise<T>((resolve, reject) => {
    lastLookupId += 1;
    answers.set(lastLookupId, { resolve: resolve as (value: unknown) => void, reject });
    send({ kind: 'lookup', id: lastLookupId, request });
  });
const lookups: VerifierLookups = {
  resolveDid: (did) => ask({ kind: 'resolveDid', did }),
  findStatusEntry: (listId, index) => ask({ kind: 'findStatusEntry', listId, index }),
};
const verify = createCredentialVerifier({ publicUrl, lookups });

port.on('message', (message: ToWorker) => {
  if (message.kind === 'answer') {
    const waiting = answers.get(message.id);
    answers.delete(message.id);
    if ('error' in message) waiting?.reject(new Error(message.error));
    else waiting?.resolve(message.value);
    return;
  }
  // Buffers arrive as plain Uint8Arrays.
  const { input, partners } = message;
  const verifyOne = partners ? createCredentialVerifier({ publicUrl, lookups, partners }) : verify;
  verifyOne(
    input instanceof Uint8Array ? Buffer.from(input.buffer, input.byteOffset, input.length) : input,
  ).then(
    (report) => send({ kind: 'report', report }),
    (error: unknown) =>
      send({ kind: 'failed', message: String((error as Error)?.message ?? error) }),
  );
});
// The schemas compile on first use: compiled here, they take nothing from the first budget.
validateCredential({ credentialSchema: [{ id: microcredentialSchemaUrl(publicUrl) }] });
send({ kind: 'ready' });
