/**
 * Hosts xAPI content for tests the way an author would: static files on an origin of their own
 * (`http://localhost:<port>`, another site than the tool's `127.0.0.1`), so the tool's cookies
 * never reach the content and its calls to the LRS are cross-origin.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { freePort } from './test-tool.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Serves each folder under its URL prefix, e.g. `{ '/au/': 'docs/examples/cmi5-au' }`. */
export async function startContentServer(
  folders: Record<string, string>,
): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const prefix = Object.keys(folders).find((candidate) => pathname.startsWith(candidate));
    const root = prefix ? path.resolve(folders[prefix]!) : null;
    const file = root ? path.resolve(root, `.${pathname.slice(prefix!.length - 1)}`) : null;
    if (!root || !file?.startsWith(root + path.sep)) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (content) => {
        res.writeHead(200, {
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        });
        res.end(content);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
