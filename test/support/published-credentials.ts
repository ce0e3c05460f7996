import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { TestStorage } from './test-database.js';

const run = promisify(execFile);

/** What verifiers read of one credential: its documents as served (bytes) and the verdicts. */
export interface PublishedCredential {
  readonly json: string;
  readonly jwt: string;
  readonly didDocument: string;
  /** The status list credential minus what is signed afresh at each read (validFrom, proof). */
  readonly statusList: { id: string; issuer: unknown; encodedList: string };
  readonly statusListIndex: number;
  readonly verified: { json: boolean; jwt: boolean };
}

/**
 * Reads a credential the way verifiers do, over HTTP from the tool listening at `baseUrl`
 * whose public URL is `publicUrl` (URLs in the documents are mapped to the listening address).
 */
export async function readPublished(
  baseUrl: string,
  publicUrl: string,
  credentialId: string,
): Promise<PublishedCredential> {
  const text = async (path: string, accept = 'application/json') => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { accept } });
    expect(response.status, path).toBe(200);
    return response.text();
  };
  const json = await text(`/credentials/${credentialId}`, 'application/vc+ld+json');
  const credential = JSON.parse(json) as {
    issuer: { id: string };
    credentialStatus: { statusListCredential: string; statusListIndex: string };
  };
  const didPath = `/${credential.issuer.id.split(':').slice(3).join('/')}/did.json`;
  const statusList = JSON.parse(
    await text(credential.credentialStatus.statusListCredential.slice(publicUrl.length)),
  ) as { id: string; issuer: unknown; credentialSubject: { encodedList: string } };
  const reports = JSON.parse(await text(`/credentials/${credentialId}/verification`)) as {
    json: { verified: boolean };
    jwt: { verified: boolean };
  };
  return {
    json,
    jwt: await text(`/credentials/${credentialId}.jwt`, 'application/jwt'),
    didDocument: await text(didPath),
    statusList: {
      id: statusList.id,
      issuer: statusList.issuer,
      encodedList: statusList.credentialSubject.encodedList,
    },
    statusListIndex: Number(credential.credentialStatus.statusListIndex),
    verified: { json: reports.json.verified, jwt: reports.jwt.verified },
  };
}

/** Runs the `microcred` command in its own process on `storage`; rejects on a non-zero exit. */
export function runMicrocred(storage: TestStorage, env: Record<string, string>, ...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: {
      ...process.env,
      DATABASE_URL: storage.databaseUrl ?? '',
      MICROCRED_DATA_DIR: storage.dataDir,
      MICROCRED_LOG_LEVEL: 'error',
      ...env,
    },
  });
}
