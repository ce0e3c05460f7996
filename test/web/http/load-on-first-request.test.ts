import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOnFirstRequest } from '../../../src/web/http/load-on-first-request.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    await new Promise((resolve) => server.close(resolve));
  }
});

/**
 * An app with a part under /wallet loaded on first request, then a fallback answering
 * "fallback"; `load` counts its calls. Returns the base URL and the count.
 */
async function appWith(load: () => Promise<RequestHandler>) {
  const loads = { count: 0 };
  const app = express();
  app.use(
    loadOnFirstRequest(['/wallet/'], () => {
      loads.count += 1;
      return load();
    }),
  );
  app.use((_req, res) => res.send('fallback'));
  const onError: ErrorRequestHandler = (error: Error, _req, res, _next) => {
    res.status(500).send(error.message);
  };
  app.use(onError);
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, loads };
}

const walletRouter = async (): Promise<RequestHandler> => {
  const router = express.Router();
  router.get('/wallet/offer', (_req, res) => res.send('offer'));
  return router;
};

async function text(url: string): Promise<string> {
  return (await fetch(url)).text();
}

describe('loadOnFirstRequest', () => {
  it('does not load the part for requests outside its paths', async () => {
    const { url, loads } = await appWith(walletRouter);
    expect(await text(`${url}/course`)).toBe('fallback');
    expect(loads.count).toBe(0);
  });

  it('loads the part on the first request of its paths and serves that request with it', async () => {
    const { url, loads } = await appWith(walletRouter);
    expect(await text(`${url}/wallet/offer`)).toBe('offer');
    expect(loads.count).toBe(1);
  });

  it('loads once for requests that arrive together and for every later request', async () => {
    const { url, loads } = await appWith(walletRouter);
    const answers = await Promise.all(Array.from({ length: 5 }, () => text(`${url}/wallet/offer`)));
    expect(await text(`${url}/wallet/offer`)).toBe('offer');
    expect({ answers, loads: loads.count }).toEqual({ answers: Array(5).fill('offer'), loads: 1 });
  });

  it('lets what the loaded part does not answer go on to the next handlers', async () => {
    const { url } = await appWith(walletRouter);
    expect(await text(`${url}/wallet/elsewhere`)).toBe('fallback');
  });

  it('fails the request when loading fails, and loads again on the next one', async () => {
    let isBroken = true;
    const { url, loads } = await appWith(async () => {
      if (isBroken) throw new Error('the library is missing');
      return walletRouter();
    });
    const failed = await fetch(`${url}/wallet/offer`);
    expect({ status: failed.status, body: await failed.text() }).toEqual({
      status: 500,
      body: 'the library is missing',
    });
    isBroken = false;
    expect(await text(`${url}/wallet/offer`)).toBe('offer');
    expect(loads.count).toBe(2);
  });
});
