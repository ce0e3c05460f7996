/**
 * A partner's credential became recognised for a learner (recognition/: at upload, from a
 * wallet or on a teacher's approval), so the learner's rules that count recognised credentials
 * are evaluated again (awards/award-job-handlers.ts). Declared here because recognition/ queues
 * it and awards/ runs it, and the two share a layer and never import each other. Its name and
 * payload are stored in the queue: they never change once shipped.
 */
import { z } from 'zod';
import type { Executor } from '../db/database.js';
import { enqueueJob } from './enqueue-job.js';
import { defineJobKind } from './job-kind.js';

export const credentialRecognisedJob = defineJobKind({
  name: 'credential-recognised',
  payload: z.object({ userId: z.guid() }),
});

/**
 * Queues the job in the transaction that recognises the credential, so the evaluation follows
 * its commit. Once per recognition (`recognised_credentials.id`), however often it is called.
 */
export async function enqueueCredentialRecognised(
  tx: Executor,
  recognition: { id: string; userId: string },
): Promise<void> {
  await enqueueJob(tx, credentialRecognisedJob, { userId: recognition.userId }, recognition.id);
}
