import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createLogger } from '../../src/config/logger.js';
import type { Executor } from '../../src/db/database.js';
import { createXapiCredential } from '../../src/xapi/credentials.js';
import { createLrsRouter } from '../../src/web/xapi/lrs-router.js';
import { createTestDatabase } from '../support/test-database.js';

export const LRS_PUBLIC_URL = 'https://tool.example.org';

/** The LRS router alone on a free port, over a real database. */
async function startLrs(db: Executor): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const app = express();
  app.use(
    '/xapi',
    createLrsRouter({
      db,
      publicUrl: LRS_PUBLIC_URL,
      logger: createLogger('error', () => {}),
      onStatementsStored: async () => {},
      onWorkQueued: () => {},
    }),
  );
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/xapi`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface LrsWithCredential {
  readonly db: Executor;
  readonly baseUrl: string;
  /** The Basic Authorization header of the xAPI credential. */
  readonly authorization: string;
  /** Stops the LRS and closes its database. */
  close(): Promise<void>;
}

/**
 * A fresh test database with one xAPI credential, and the LRS serving it. `platform`, when
 * given, writes the LMS platform the credential belongs to and returns its id.
 */
export async function startLrsWithCredential({
  name = 'content',
  platform,
}: {
  name?: string;
  platform?: (db: Executor) => Promise<string>;
} = {}): Promise<LrsWithCredential> {
  const database = await createTestDatabase();
  const platformId = platform ? await platform(database.db) : undefined;
  const { key, secret } = await createXapiCredential({ db: database.db, name, platformId });
  const lrs = await startLrs(database.db);
  return {
    db: database.db,
    baseUrl: lrs.baseUrl,
    authorization: basicAuthorization(key, secret),
    close: async () => {
      await lrs.close();
      await database.close();
    },
  };
}

export function basicAuthorization(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

/** Calls the LRS as an xAPI 2.0 client with the given Authorization header. */
export function xapiRequest(
  baseUrl: string,
  authorization: string,
  path: string,
  {
    method = 'GET',
    body,
    headers = {},
  }: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
  return fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: authorization,
      'X-Experience-API-Version': '2.0.0',
      ...(body === undefined || isRaw ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : isRaw ? (body as string | Buffer) : JSON.stringify(body),
  });
}
