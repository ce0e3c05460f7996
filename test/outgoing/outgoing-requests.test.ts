import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import type { OutgoingAllowList } from '../../src/config/settings.js';
import {
  createOutgoingRequests,
  OutgoingRequestError,
  type OutgoingRequests,
} from '../../src/outgoing/outgoing-requests.js';

const LOOPBACK_ALLOWED: OutgoingAllowList = {
  hosts: ['localhost'],
  networks: [
    { address: '127.0.0.0', prefixLength: 8, family: 'ipv4' },
    { address: '::1', prefixLength: 128, family: 'ipv6' },
  ],
};
const NOTHING_ALLOWED: OutgoingAllowList = { hosts: [], networks: [] };

interface TestServer {
  readonly port: number;
  /** Requests the server received. */
  readonly requests: string[];
  /** Connections it accepted. */
  connections: number;
  /** Whether a response it was writing was cut off by the client. */
  readonly aborted: () => boolean;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const requests: string[] = [];
  let aborted = false;
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.on('close', () => {
      if (!res.writableFinished) aborted = true;
    });
    handler(req, res);
  });
  const state = {
    port: 0,
    requests,
    connections: 0,
    aborted: () => aborted,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  cleanups.push(state.close);
  return state;
}

function outgoing(allowPrivate: OutgoingAllowList, log: string[] = []): OutgoingRequests {
  const requests = createOutgoingRequests({
    allowPrivate,
    logger: createLogger('debug', (line) => log.push(line)),
  });
  cleanups.push(() => requests.close());
  return requests;
}

async function failureOf(promise: Promise<unknown>): Promise<OutgoingRequestError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OutgoingRequestError);
  return error as OutgoingRequestError;
}

const answerJson = (_req: IncomingMessage, res: ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"keys":[]}');
};

describe('outgoing requests', () => {
  it('fetches from an allowed loopback server and hands back the status, headers and body', async () => {
    const server = await serve(answerJson);
    const response = await outgoing(LOOPBACK_ALLOWED).fetch(`http://127.0.0.1:${server.port}/jwks`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ keys: [] });
    expect(server.requests).toEqual(['GET /jwks']);
  });

  it('gives up on a server that does not answer in time, with the generic error', async () => {
    const server = await serve(() => {});
    const log: string[] = [];
    const started = Date.now();
    const error = await failureOf(
      outgoing(LOOPBACK_ALLOWED, log).fetch(`http://127.0.0.1:${server.port}/slow`, {
        timeoutMs: 300,
      }),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.code).toBe('OUTGOING_REQUEST_FAILED');
    expect(error.status).toBe(502);
    expect(log.join('')).toContain('timed out');
  });

  it('says the same whether nothing listens or the server listens but times out', async () => {
    const silent = await serve(() => {});
    const closed = await serve(answerJson);
    await closed.close();
    const log: string[] = [];
    const requests = outgoing(LOOPBACK_ALLOWED, log);
    const timedOut = await failureOf(
      requests.fetch(`http://127.0.0.1:${silent.port}/`, { timeoutMs: 300 }),
    );
    const refused = await failureOf(requests.fetch(`http://127.0.0.1:${closed.port}/`));
    expect(refused.message).toBe(timedOut.message);
    expect(refused.code).toBe(timedOut.code);
    expect(refused.status).toBe(timedOut.status);
    expect(log.join('')).toContain('ECONNREFUSED');
  });

  it('aborts an answer that streams past the size limit', async () => {
    const server = await serve((_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const write = () => {
        while (sent < 400 && res.write(chunk)) sent += 1;
        if (sent < 400) res.once('drain', write);
        else res.end();
      };
      write();
    });
    const log: string[] = [];
    await failureOf(
      outgoing(LOOPBACK_ALLOWED, log).fetch(`http://127.0.0.1:${server.port}/big`, {
        maxResponseBytes: 256 * 1024,
      }),
    );
    await expect.poll(server.aborted).toBe(true);
    expect(log.join('')).toContain('exceeds 262144 bytes');
  });

  it('refuses an answer whose declared length is past the size limit without reading it', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('content-length', String(2 * 1024 * 1024));
      res.write(Buffer.alloc(1024));
    });
    await failureOf(
      outgoing(LOOPBACK_ALLOWED).fetch(`http://127.0.0.1:${server.port}/big`, {
        maxResponseBytes: 1024 * 1024,
      }),
    );
  });

  it('does not follow a redirect to another host', async () => {
    const elsewhere = await serve(answerJson);
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: `http://localhost:${elsewhere.port}/jwks` }).end();
    });
    const log: string[] = [];
    const error = await failureOf(
      outgoing(LOOPBACK_ALLOWED, log).fetch(`http://127.0.0.1:${server.port}/jwks`),
    );
    expect(error.code).toBe('OUTGOING_REQUEST_FAILED');
    expect(elsewhere.requests).toEqual([]);
    expect(log.join('')).toContain('redirect 302 not followed');
  });

  it('does not follow a redirect on the same origin either', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/moved') res.writeHead(301, { location: '/jwks' }).end();
      else answerJson(req, res);
    });
    await failureOf(outgoing(LOOPBACK_ALLOWED).fetch(`http://127.0.0.1:${server.port}/moved`));
    expect(server.requests).toEqual(['GET /moved']);
  });

  it('refuses a host name that resolves to loopback when loopback is not allowed, before connecting', async () => {
    const server = await serve(answerJson);
    const log: string[] = [];
    const error = await failureOf(
      outgoing(NOTHING_ALLOWED, log).fetch(`http://localhost:${server.port}/`),
    );
    expect(error.message).toBe(
      'microcred could not get an answer from the other server. Check the address, or try again later.',
    );
    expect(server.connections).toBe(0);
    expect(log.join('')).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is not public/);
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['[::1]', '::1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['169.254.169.254', '169.254.169.254'],
    ['[fd00::1]', 'fd00::1'],
    ['10.0.0.1', '10.0.0.1'],
  ])('refuses the literal address %s when it is not allowed', async (host, normalized) => {
    const server = await serve(answerJson);
    const log: string[] = [];
    const error = await failureOf(
      outgoing(NOTHING_ALLOWED, log).fetch(`http://${host}:${server.port}/`),
    );
    expect(error.code).toBe('OUTGOING_REQUEST_FAILED');
    expect(server.connections).toBe(0);
    expect(log.join('')).toContain(`address ${normalized} is not public and not allowed`);
  });

  it('reaches loopback by name and by literal address once it is listed', async () => {
    const server = await serve(answerJson);
    const requests = outgoing(LOOPBACK_ALLOWED);
    for (const host of ['localhost', '127.0.0.1', '127.1', '[::ffff:127.0.0.1]']) {
      const response = await requests.fetch(`http://${host}:${server.port}/jwks`);
      expect(response.status, host).toBe(200);
    }
    expect(server.requests).toHaveLength(4);
  });

  it('allows only the listed network, not every private address', async () => {
    const server = await serve(answerJson);
    const onlyTenNet = outgoing({
      hosts: [],
      networks: [{ address: '10.0.0.0', prefixLength: 8, family: 'ipv4' }],
    });
    await failureOf(onlyTenNet.fetch(`http://127.0.0.1:${server.port}/`));
    expect(server.connections).toBe(0);
  });

  it('refuses what is not an http(s) URL', async () => {
    await failureOf(outgoing(LOOPBACK_ALLOWED).fetch('file:///etc/passwd'));
    await failureOf(outgoing(LOOPBACK_ALLOWED).fetch('not a url'));
  });

  it('hands back error answers for the caller to judge', async () => {
    const server = await serve((_req, res) => res.writeHead(404).end('no such thing'));
    const response = await outgoing(LOOPBACK_ALLOWED).fetch(`http://127.0.0.1:${server.port}/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('no such thing');
  });
});
