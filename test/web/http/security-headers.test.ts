import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { securityHeaders } from '../../../src/web/http/security-headers.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    await new Promise((resolve) => server.close(resolve));
  }
});

/** The headers of a page served behind the tool's security headers for `publicUrl`. */
async function headersFor(publicUrl: string): Promise<Headers> {
  const app = express();
  app.use(securityHeaders(() => "'self'", publicUrl));
  app.get('/', (_req, res) => res.send('ok'));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return response.headers;
}

describe('security headers', () => {
  it('tells browsers to use HTTPS only (HSTS) when the tool is served over HTTPS', async () => {
    const headers = await headersFor('https://tool.example');
    expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
  });

  it('sends no HSTS over plain HTTP, where browsers would ignore it', async () => {
    const headers = await headersFor('http://localhost:3000');
    expect(headers.get('strict-transport-security')).toBeNull();
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });
});
