import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowser } from '../support/http-client.js';

interface Echo {
  method: string;
  path: string;
  query: Record<string, string>;
  cookie: string | null;
  authorization: string | null;
  contentType: string | null;
  body: string;
}

/** A server that sets cookies and redirects on demand, and echoes every other request. */
function buildApp(): Express {
  const app = express();
  app.get('/set/multiple', (_req, res) => {
    res.append('set-cookie', ['a=1; Path=/', 'b=2; Path=/; HttpOnly']).end();
  });
  app.get('/scoped/set', (_req, res) => {
    res.append('set-cookie', ['p=1; Path=/scoped/deeper', 'd=1']).end();
  });
  app.get('/set/then-delete', (_req, res) => {
    res
      .append('set-cookie', [
        'a=; Path=/; Max-Age=0',
        'b=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      ])
      .end();
  });
  app.get('/set/expiring', (_req, res) => {
    res
      .append('set-cookie', [
        'm=1; Max-Age=60; Expires=Wed, 01 Jan 2020 01:00:00 GMT',
        'e=1; Expires=Wed, 01 Jan 2020 00:01:00 GMT',
      ])
      .end();
  });
  app.get('/set/domains', (_req, res) => {
    res
      .append('set-cookie', [
        'host=1',
        'ip=1; Domain=127.0.0.1',
        'foreign=1; Domain=example.com',
        'secure=1; Path=/; Secure; SameSite=None',
      ])
      .end();
  });
  app.all('/redirect/:status', (req, res) => {
    res.cookie('hop', req.params.status);
    res.redirect(Number(req.params.status), String(req.query.to ?? '/echo'));
  });
  app.get('/loop', (_req, res) => res.redirect(302, '/loop'));
  app.use(express.text({ type: () => true }), (req, res) => {
    const echo: Echo = {
      method: req.method,
      path: req.path,
      query: req.query as Record<string, string>,
      cookie: req.get('cookie') ?? null,
      authorization: req.get('authorization') ?? null,
      contentType: req.get('content-type') ?? null,
      body: typeof req.body === 'string' ? req.body : '',
    };
    res.json(echo);
  });
  return app;
}

async function listen(app: Express): Promise<{ server: Server; url: string }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let site: { server: Server; url: string };
let otherOrigin: { server: Server; url: string };

beforeAll(async () => {
  site = await listen(buildApp());
  otherOrigin = await listen(buildApp());
});

afterAll(() => {
  for (const { server } of [site, otherOrigin]) {
    server.close();
    server.closeAllConnections();
  }
});

async function echo(browser: ReturnType<typeof createBrowser>, path: string): Promise<Echo> {
  const { response } = await browser.request(`${site.url}${path}`);
  return (await response.json()) as Echo;
}

describe('createBrowser() cookie jar (RFC 6265)', () => {
  it('stores every cookie of a response with several Set-Cookie headers', async () => {
    const browser = createBrowser();
    await browser.request(`${site.url}/set/multiple`);
    expect((await echo(browser, '/echo')).cookie).toBe('a=1; b=2');
    expect(browser.cookies().find((cookie) => cookie.name === 'b')?.isHttpOnly).toBe(true);
  });

  it('sends a cookie only under its Path, the default path being the directory of the URL', async () => {
    const browser = createBrowser();
    await browser.request(`${site.url}/scoped/set`);
    expect((await echo(browser, '/echo')).cookie).toBeNull();
    expect((await echo(browser, '/scoped/echo')).cookie).toBe('d=1');
    expect((await echo(browser, '/scoped/deeper/echo')).cookie).toBe('p=1; d=1');
    expect((await echo(browser, '/scoped-not/echo')).cookie).toBeNull();
  });

  it('deletes cookies set again with Max-Age=0 or an Expires in the past', async () => {
    const browser = createBrowser();
    await browser.request(`${site.url}/set/multiple`);
    await browser.request(`${site.url}/set/then-delete`);
    expect(browser.cookies()).toEqual([]);
    expect((await echo(browser, '/echo')).cookie).toBeNull();
  });

  it('expires a cookie at Max-Age seconds even when Expires is later, else at Expires', async () => {
    let now = Date.parse('2020-01-01T00:00:00Z');
    const browser = createBrowser({ now: () => now });
    await browser.request(`${site.url}/set/expiring`);
    expect(browser.cookies().map((cookie) => cookie.name)).toEqual(['m', 'e']);
    now += 61_000;
    expect(browser.cookies()).toEqual([]);
  });

  it('keeps host-only and Domain cookies of an IP host and ignores a foreign Domain', async () => {
    const browser = createBrowser();
    await browser.request(`${site.url}/set/domains`);
    const cookies = browser.cookies('127.0.0.1');
    expect(cookies.map(({ name, isHostOnly }) => ({ name, isHostOnly }))).toEqual([
      { name: 'host', isHostOnly: true },
      { name: 'ip', isHostOnly: false },
      { name: 'secure', isHostOnly: true },
    ]);
    expect(browser.cookies('localhost')).toEqual([]);
  });

  it('accepts and sends Secure cookies over http to the loopback address', async () => {
    const browser = createBrowser();
    await browser.request(`${site.url}/set/domains`);
    expect(browser.cookies().find((cookie) => cookie.name === 'secure')).toMatchObject({
      isSecure: true,
      sameSite: 'None',
    });
    expect((await echo(browser, '/echo')).cookie).toContain('secure=1');
  });

  it('shares cookies between ports of the same host, as browsers do', async () => {
    const browser = createBrowser();
    await browser.request(`${site.url}/set/multiple`);
    const { response } = await browser.request(`${otherOrigin.url}/echo`);
    expect(((await response.json()) as Echo).cookie).toBe('a=1; b=2');
  });
});

describe('createBrowser() redirects', () => {
  it.each([301, 302, 303])(
    'turns a POST answered with %i into a GET without body',
    async (status) => {
      const browser = createBrowser();
      const { response, finalUrl } = await browser.request(`${site.url}/redirect/${status}`, {
        method: 'POST',
        body: new URLSearchParams({ a: '1' }),
      });
      const landed = (await response.json()) as Echo;
      expect(finalUrl).toBe(`${site.url}/echo`);
      expect(landed).toMatchObject({ method: 'GET', body: '', contentType: null });
    },
  );

  it.each([307, 308])('repeats the method and body after %i', async (status) => {
    const browser = createBrowser();
    const { response } = await browser.request(`${site.url}/redirect/${status}`, {
      method: 'POST',
      body: new URLSearchParams({ a: '1' }),
    });
    expect(await response.json()).toMatchObject({
      method: 'POST',
      body: 'a=1',
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    });
  });

  it('stores cookies set on a redirect and sends them on the next hop', async () => {
    const browser = createBrowser();
    const { response } = await browser.request(`${site.url}/redirect/302`);
    expect(((await response.json()) as Echo).cookie).toBe('hop=302');
  });

  it('returns the redirect itself when told not to follow', async () => {
    const browser = createBrowser();
    const { response, finalUrl } = await browser.request(`${site.url}/redirect/302?to=/elsewhere`, {
      followRedirects: false,
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/elsewhere');
    expect(finalUrl).toBe(`${site.url}/redirect/302?to=/elsewhere`);
  });

  it('keeps the Authorization header on its origin and drops it when leaving', async () => {
    const browser = createBrowser();
    const headers = { authorization: 'Bearer secret' };
    const same = await browser.request(`${site.url}/redirect/307?to=/echo`, { headers });
    expect(((await same.response.json()) as Echo).authorization).toBe('Bearer secret');
    const away = await browser.request(
      `${site.url}/redirect/307?to=${encodeURIComponent(`${otherOrigin.url}/echo`)}`,
      { headers },
    );
    expect(away.finalUrl).toBe(`${otherOrigin.url}/echo`);
    expect(((await away.response.json()) as Echo).authorization).toBeNull();
  });

  it('gives up after 10 redirects', async () => {
    await expect(createBrowser().request(`${site.url}/loop`)).rejects.toThrow(
      /More than 10 redirects/,
    );
  });
});

describe('createBrowser().submitForm()', () => {
  it('posts the hidden inputs of the first form, entity-decoded, to its action', async () => {
    const html = `<html><body onload="document.forms[0].submit()">
      <FORM method="POST" action="/echo?x=1&amp;y=2">
        <input type="hidden" name="id_token" value="a&amp;b&#39;c&quot;d&#x3C;">
        <input type=hidden name='state' value='s&apos;1'>
        <input type="text" name="visible" value="not sent">
        <input type="submit" value="Continue">
      </FORM>
      <form action="/second"><input type="hidden" name="no" value="no"></form>`;
    const { response, finalUrl } = await createBrowser().submitForm(html, `${site.url}/page/`);
    const landed = (await response.json()) as Echo;
    expect(finalUrl).toBe(`${site.url}/echo?x=1&y=2`);
    expect(landed.method).toBe('POST');
    expect(landed.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(landed.body))).toEqual({
      id_token: 'a&b\'c"d<',
      state: "s'1",
    });
  });

  it('submits a form without method as a GET query, relative to the page', async () => {
    const html = '<form action="echo"><input type="hidden" name="q" value="1 2"></form>';
    const { response } = await createBrowser().submitForm(html, `${site.url}/dir/page`);
    expect(await response.json()).toMatchObject({
      method: 'GET',
      path: '/dir/echo',
      query: { q: '1 2' },
    });
  });

  it('refuses a page without a form', async () => {
    await expect(createBrowser().submitForm('<p>no form</p>', site.url)).rejects.toThrow(TypeError);
  });
});
