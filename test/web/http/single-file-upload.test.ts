import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/config/logger.js';
import { jsonErrorHandler } from '../../../src/web/http/json-error-handler.js';
import { isUploadTooLarge, singleFileUpload } from '../../../src/web/http/single-file-upload.js';

let server: Server;
let url: string;

beforeAll(async () => {
  const app = express();
  app.post(
    '/upload',
    singleFileUpload({ field: 'file', maxFileBytes: 10, maxFields: 2, maxFieldBytes: 100 }),
    (req, res) => {
      res.json({
        fileText: req.file?.buffer.toString('utf8') ?? null,
        body: { ...(req.body as object) },
        isTooLarge: isUploadTooLarge(res),
      });
    },
  );
  app.use(jsonErrorHandler(createLogger('error', () => {})));
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function formWith(fields: Record<string, string>, files: Record<string, string>[] = []) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) {
    for (const [name, text] of Object.entries(file)) form.append(name, new Blob([text]), 'a.txt');
  }
  return form;
}

describe('singleFileUpload', () => {
  it('hands the file and the fields to the route', async () => {
    const response = await fetch(url, {
      method: 'POST',
      body: formWith({ title: 'Hello' }, [{ file: 'small' }]),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      fileText: 'small',
      body: { title: 'Hello' },
      isTooLarge: false,
    });
  });

  it('drops too large a file and says so, keeping the fields sent before it', async () => {
    const response = await fetch(url, {
      method: 'POST',
      body: formWith({ title: 'Hello' }, [{ file: 'more than ten bytes' }]),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      fileText: null,
      body: { title: 'Hello' },
      isTooLarge: true,
    });
  });

  it('lets a form without a file through, not too large', async () => {
    const response = await fetch(url, { method: 'POST', body: formWith({ title: 'Hello' }) });
    expect(await response.json()).toEqual({
      fileText: null,
      body: { title: 'Hello' },
      isTooLarge: false,
    });
  });

  it('refuses a second file with 400 BAD_REQUEST', async () => {
    const response = await fetch(url, {
      method: 'POST',
      body: formWith({}, [{ file: 'one' }, { file: 'two' }]),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });

  it('refuses more fields than allowed with 400 BAD_REQUEST', async () => {
    const response = await fetch(url, {
      method: 'POST',
      body: formWith({ a: '1', b: '2', c: '3' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
  });
});
