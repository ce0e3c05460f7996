import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/config/logger.js';
import { createPlatformKeys } from '../../../src/lti/launch/platform-keys.js';
import { createOutgoingRequests } from '../../../src/outgoing/outgoing-requests.js';

const loopback = createOutgoingRequests({
  allowPrivate: {
    hosts: [],
    networks: [{ address: '127.0.0.1', prefixLength: 32, family: 'ipv4' }],
  },
  logger: createLogger('error', () => {}),
});

describe("platform keys: an LMS's key set, fetched once and kept", () => {
  let server: Server;
  let jwksUrl: string;
  let published: JWK[] = [];
  let fetches = 0;
  let answerStatus = 200;

  const publishKey = async (kid: string) => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    published = [...published, { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }];
  };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(answerStatus, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    await publishKey('key-1');
  });
  afterAll(async () => {
    await loopback.close();
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(() => {
    vi.useRealTimers();
    answerStatus = 200;
  });

  it('finds the signing key by kid, fetching the key set once for many launches', async () => {
    const keys = createPlatformKeys(loopback.fetch);
    const before = fetches;
    const found = await Promise.all(
      Array.from({ length: 20 }, () => keys.signingKeyFor(jwksUrl, { alg: 'RS256', kid: 'key-1' })),
    );
    expect(fetches - before).toBe(1);
    expect(found[0]?.asymmetricKeyType).toBe('rsa');
    expect(found[0]?.export({ format: 'jwk' }).n).toBe(published[0]?.n);
  });

  it('refuses a kid the LMS does not publish, without asking the LMS again right away', async () => {
    const keys = createPlatformKeys(loopback.fetch);
    await keys.signingKeyFor(jwksUrl, { alg: 'RS256', kid: 'key-1' });
    const before = fetches;
    await expect(
      keys.signingKeyFor(jwksUrl, { alg: 'RS256', kid: 'forged' }),
    ).rejects.toMatchObject({ code: 'LTI_KEY_NOT_FOUND', status: 401 });
    expect(fetches).toBe(before);
  });

  it('finds a key the LMS rotated in, once the refetch cooldown has passed', async () => {
    const keys = createPlatformKeys(loopback.fetch);
    await keys.signingKeyFor(jwksUrl, { alg: 'RS256', kid: 'key-1' });
    await publishKey('key-2');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 31_000);
    const rotated = await keys.signingKeyFor(jwksUrl, { alg: 'RS256', kid: 'key-2' });
    expect(rotated.export({ format: 'jwk' }).n).toBe(published[1]?.n);
  });

  it('refuses algorithms other than RS256 and tokens naming no key, before fetching', async () => {
    const keys = createPlatformKeys(loopback.fetch);
    const before = fetches;
    await expect(keys.signingKeyFor(jwksUrl, { alg: 'HS256', kid: 'key-1' })).rejects.toMatchObject(
      { code: 'LTI_ALG_NOT_RS256' },
    );
    await expect(keys.signingKeyFor(jwksUrl, { alg: 'none' })).rejects.toMatchObject({
      code: 'LTI_ALG_NOT_RS256',
    });
    await expect(keys.signingKeyFor(jwksUrl, { alg: 'RS256' })).rejects.toMatchObject({
      code: 'LTI_KID_NOT_FOUND',
    });
    expect(fetches).toBe(before);
  });

  it('answers 502 when the key set cannot be fetched', async () => {
    answerStatus = 503;
    await expect(
      createPlatformKeys(loopback.fetch).signingKeyFor(jwksUrl, { alg: 'RS256', kid: 'key-1' }),
    ).rejects.toMatchObject({ code: 'LTI_KEYSET_UNAVAILABLE', status: 502 });
  });

  it('refuses to fetch a key set at an address that is not allowed, with the same 502 and the reason in the debug log', async () => {
    const log: string[] = [];
    const nothingAllowed = createOutgoingRequests({
      allowPrivate: { hosts: [], networks: [] },
      logger: createLogger('debug', (line) => log.push(line)),
    });
    const before = fetches;
    try {
      await expect(
        createPlatformKeys(nothingAllowed.fetch).signingKeyFor(jwksUrl, {
          alg: 'RS256',
          kid: 'key-1',
        }),
      ).rejects.toMatchObject({ code: 'LTI_KEYSET_UNAVAILABLE', status: 502 });
    } finally {
      await nothingAllowed.close();
    }
    expect(fetches).toBe(before);
    expect(log.join('')).toContain('address 127.0.0.1 is not public and not allowed');
  });
});
