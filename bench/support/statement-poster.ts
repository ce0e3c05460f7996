import http from 'node:http';

/**
 * POSTs statements to the tool's LRS with node:http and keep-alive, at most `maxSockets` at a
 * time: the clients share the cores with the tool and PostgreSQL, and fetch (undici) spends
 * several times more CPU per request. Rejects unless the LRS answers 200.
 */
export function createStatementPoster(
  url: string,
  authorization: string,
  maxSockets: number,
): { post: (body: Record<string, unknown>[]) => Promise<void>; close: () => void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const post = (body: Record<string, unknown>[]) =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        `${url}/xapi/statements`,
        {
          method: 'POST',
          agent,
          headers: {
            Authorization: authorization,
            'X-Experience-API-Version': '2.0.0',
            'Content-Type': 'application/json',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            response.statusCode === 200
              ? resolve()
              : reject(new Error(`POST answered ${response.statusCode}: ${Buffer.concat(chunks)}`)),
          );
        },
      );
      request.on('error', reject);
      request.end(JSON.stringify(body.length === 1 ? body[0] : body));
    });
  return { post, close: () => agent.destroy() };
}
