/**
 * Issue #16, item 1: the administrator completes an awarding body on its page — every detail
 * the credentials state, a logo upload checked like badge images — and rotates its signing keys;
 * a refused form names each field and keeps what is stored; nobody else may change anything.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findIssuerProfile } from '../../../src/badges/issuer-profile.js';
import { platforms, signingKeys } from '../../../src/db/schema.js';
import { issuerDid } from '../../../src/badges/did-web.js';
import { ensureIssuerKey } from '../../../src/badges/issuer-keys.js';
import { createBrowser, type Browser } from '../../support/http-client.js';
import { startTestTool, type TestTool } from '../../support/test-tool.js';
import { buildPlatform } from '../../xapi/xapi-factories.js';
import { ADMIN_TOKEN, csrfTokenIn, postForm, signedInAdmin } from './admin-browser.js';

const SECRET = 'awarding-body-pages-secret-0123456789abcdefghij';
const LOGO = path.resolve('test/badges/fixtures/images/badge-24x16.png');

describe('admin pages: awarding bodies', () => {
  let tool: TestTool;
  let bodyId: string;
  let page: string;

  beforeAll(async () => {
    tool = await startTestTool({
      env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN, MICROCRED_SECRET: SECRET },
    });
    const { db } = tool.current().database;
    const platform = await buildPlatform(db);
    const [row] = await db
      .select({ issuerProfileId: platforms.issuerProfileId })
      .from(platforms)
      .where(eq(platforms.id, platform.id));
    bodyId = row!.issuerProfileId;
    page = `/admin/awarding-bodies/${bodyId}`;
  });
  afterAll(async () => {
    await tool?.close();
  });

  const stored = () => findIssuerProfile(tool.current().database.db, bodyId);

  const submit = (browser: Browser, html: string, fields: Record<string, string>, logo?: Blob) => {
    const form = new FormData();
    form.set('_csrf', csrfTokenIn(html));
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    form.set('identifierType.0', fields['identifierType.0'] ?? '');
    if (logo) form.set('logo', logo, 'logo.png');
    return browser.request(`${tool.url}${page}`, {
      method: 'POST',
      body: form,
      headers: { accept: 'text/html' },
      followRedirects: false,
    });
  };

  const complete = {
    name: 'Université Exemple',
    url: 'https://www.universite-exemple.fr',
    email: 'credentials@universite-exemple.fr',
    description: 'A public university in Lyon.',
    countryCode: 'fr',
    'address.streetAddress': '1 rue de la République',
    'address.postalCode': '69001',
    'address.addressLocality': 'Lyon',
    'address.addressRegion': 'Auvergne-Rhône-Alpes',
    'address.addressCountryCode': 'FR',
    'parentOrg.name': 'Una Europa',
    'parentOrg.id': 'https://www.una-europa.eu',
    'parentOrg.url': '',
    'identifierType.0': 'ext:ErasmusCode',
    'identifier.0': 'F LYON01',
    'identifierType.1': 'ext:PIC',
    'identifier.1': '999888777',
    publishRecipientName: 'yes',
  };

  it('lists the awarding bodies with the details still missing', async () => {
    const { html } = await signedInAdmin(tool, '/admin/awarding-bodies');
    expect(html).toContain(`href="/admin/awarding-bodies/${bodyId}"`);
    expect(html).toContain('4 details missing');
  });

  it('stores every detail and the uploaded logo, as credentials will state them', async () => {
    const { browser, html } = await signedInAdmin(tool, page);
    const logo = new Blob([readFileSync(LOGO)], { type: 'image/png' });
    const { response } = await submit(browser, html, complete, logo);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${page}?status=saved`);
    const body = await stored();
    expect(body).toMatchObject({
      name: 'Université Exemple',
      url: 'https://www.universite-exemple.fr',
      email: 'credentials@universite-exemple.fr',
      countryCode: 'FR',
      address: {
        streetAddress: '1 rue de la République',
        postalCode: '69001',
        addressLocality: 'Lyon',
        addressRegion: 'Auvergne-Rhône-Alpes',
        addressCountryCode: 'FR',
      },
      parentOrg: { id: 'https://www.una-europa.eu', name: 'Una Europa' },
      identifiers: [
        { identifierType: 'ext:ErasmusCode', identifier: 'F LYON01' },
        { identifierType: 'ext:PIC', identifier: '999888777' },
      ],
      publishRecipientName: true,
    });
    expect(body?.image).toMatch(/^data:image\/png;base64,/);
    const shown = await (await browser.request(`${tool.url}${page}`)).response.text();
    expect(shown).toContain('value="F LYON01"');
    expect(shown).toContain('alt="Logo of Université Exemple"');
  });

  it('keeps the logo when none is uploaded, and removes it when asked', async () => {
    const { browser, html } = await signedInAdmin(tool, page);
    const before = (await stored())?.image;
    expect(before).toBeTruthy();
    await submit(browser, html, complete);
    expect((await stored())?.image).toBe(before);
    await submit(browser, html, { ...complete, removeLogo: 'yes' });
    expect((await stored())?.image).toBeNull();
  });

  it('refuses a logo that is no PNG, JPEG or SVG, saying so, and changes nothing', async () => {
    const { browser, html } = await signedInAdmin(tool, page);
    const before = await stored();
    const gif = new Blob([Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')]);
    const { response } = await submit(browser, html, { ...complete, name: 'Changed' }, gif);
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).toContain('href="#field-logo"');
    expect(text).toContain('This file is a GIF image');
    expect(await stored()).toEqual(before);
  });

  it('names each wrong field in the summary, links to it, and changes nothing', async () => {
    const { browser, html } = await signedInAdmin(tool, page);
    const before = await stored();
    const { response } = await submit(browser, html, {
      ...complete,
      name: '',
      countryCode: 'France',
      'parentOrg.id': 'not a web address',
      'identifierType.0': '',
    });
    expect(response.status).toBe(422);
    const text = await response.text();
    for (const anchor of [
      'field-name',
      'field-countryCode',
      'field-parentOrg.id',
      'field-identifierType.0',
    ]) {
      expect(text).toContain(`href="#${anchor}"`);
    }
    expect(text).toContain('Enter the country as a two-letter code such as FR or DE.');
    expect(text).toContain('Give each identifier both a kind and a value.');
    expect(text).toContain('value="FRANCE"');
    expect(await stored()).toEqual(before);
  });

  it('rotates the signing keys: the next credential is signed with new ones', async () => {
    const { db } = tool.current().database;
    await ensureIssuerKey({
      db,
      secret: SECRET,
      issuerProfileId: bodyId,
      did: issuerDid(tool.url, bodyId),
    });
    const current = () =>
      db
        .select({ kid: signingKeys.kid })
        .from(signingKeys)
        .where(and(eq(signingKeys.issuerProfileId, bodyId), isNull(signingKeys.retiredAt)));
    expect((await current()).length).toBeGreaterThan(0);
    const { browser, html } = await signedInAdmin(tool, page);
    const { response } = await postForm(tool, browser, `${page}/rotate-keys`, {
      _csrf: csrfTokenIn(html),
    });
    expect(response.headers.get('location')).toBe(`${page}?status=keysRotated`);
    expect(await current()).toEqual([]);
  });

  describe('refusals', () => {
    it('refuses changes without an admin session, and without its form token', async () => {
      const before = await stored();
      const stranger = createBrowser();
      const form = new FormData();
      form.set('name', 'Taken over');
      const anonymous = await stranger.request(`${tool.url}${page}`, {
        method: 'POST',
        body: form,
        followRedirects: false,
      });
      expect(anonymous.response.status).toBe(401);
      const rotate = await postForm(tool, stranger, `${page}/rotate-keys`, {});
      expect(rotate.response.status).toBe(401);
      const { browser } = await signedInAdmin(tool, page);
      const withoutToken = await browser.request(`${tool.url}${page}`, {
        method: 'POST',
        body: form,
        followRedirects: false,
      });
      expect(withoutToken.response.status).toBe(403);
      expect(await stored()).toEqual(before);
    });

    it('answers 404 for an awarding body that does not exist', async () => {
      const { browser } = await signedInAdmin(tool, '/admin/awarding-bodies');
      const { response } = await browser.request(`${tool.url}/admin/awarding-bodies/nobody`);
      expect(response.status).toBe(404);
    });
  });
});
