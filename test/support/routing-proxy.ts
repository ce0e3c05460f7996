import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Picks the upstream (an index into the proxy's `count` upstreams) that answers a request. */
export type Route = (request: IncomingMessage, count: number) => number;

/** Each request to the next upstream in turn. */
export function roundRobin(): Route {
  let next = 0;
  return (_request, count) => next++ % count;
}

/**
 * A load balancer in front of several tool processes, as nginx would stand there: every request
 * goes to the upstream `route` picks (round robin unless set), and the answer names it in the
 * header `x-upstream` (its index). An upstream that cannot be reached gives 502, with why in
 * `x-upstream-error` (`ECONNREFUSED`, `ECONNRESET`...). `upstreams` can
 * be replaced, as when a process is restarted on another port.
 */
export interface RoutingProxy {
  readonly url: string;
  upstreams: string[];
  route: Route;
  close(): Promise<void>;
}

export async function startRoutingProxy(upstreams: string[]): Promise<RoutingProxy> {
  const agent = new http.Agent({ keepAlive: true });
  // nginx keeps an idle client connection 75 s (keepalive_timeout); Node's server default is 5 s.
  const server = http.createServer({ keepAliveTimeout: 75_000 }, (request, response) => {
    const index = proxy.route(request, proxy.upstreams.length);
    const target = new URL(request.url ?? '/', proxy.upstreams[index]);
    const forwarded = http.request(
      target,
      { method: request.method, headers: request.headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          'x-upstream': String(index),
        });
        answer.pipe(response);
      },
    );
    forwarded.on('error', (error: NodeJS.ErrnoException) => {
      if (!response.headersSent) {
        response.writeHead(502, {
          'x-upstream': String(index),
          'x-upstream-error': error.code ?? error.message,
        });
      }
      response.end();
    });
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: RoutingProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    upstreams,
    route: roundRobin(),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
  return proxy;
}
