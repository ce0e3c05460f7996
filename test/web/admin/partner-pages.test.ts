/**
 * Issue 20, item 1: the registry of partner issuers of each awarding body, through the admin
 * API (bearer admin token) and the admin pages (an LMS administrator reaches only their LMS's
 * awarding body).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platforms } from '../../../src/db/schema.js';
import { listPartners } from '../../../src/recognition/partner-issuers.js';
import { createBrowser, type Browser } from '../../support/http-client.js';
import { LTI_ROLES, type TestLms } from '../../support/test-lms.js';
import type { TestTool } from '../../support/test-tool.js';
import { startToolWithLms } from '../../support/tool-with-lms.js';
import { buildPlatform } from '../../xapi/xapi-factories.js';
import { ADMIN_TOKEN, csrfTokenIn, postForm, signedInAdmin } from './admin-browser.js';

const LMS_ADMINISTRATOR = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator';
const PARTNER = {
  issuerId: 'did:web:uni-b.example:issuers:main',
  name: 'University B',
  countryCode: 'FI',
  qualityAssurance: 'Una Europa alliance agreement.',
  recognisedAlignments: ['CE-101'],
  maxEcts: 5,
};

describe('the registry of partner issuers', () => {
  let tool: TestTool;
  let lms: TestLms;
  let close: () => Promise<void>;
  let ownBodyId: string;
  let otherBodyId: string;
  const db = () => tool.current().database.db;

  const api = (path: string, init: RequestInit = {}, token: string | null = ADMIN_TOKEN) =>
    fetch(`${tool.url}${path}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });

  beforeAll(async () => {
    ({ tool, lms, close } = await startToolWithLms({
      env: { MICROCRED_ADMIN_TOKEN: ADMIN_TOKEN },
    }));
    const [own] = await db().select().from(platforms).where(eq(platforms.issuer, lms.issuer));
    ownBodyId = own!.issuerProfileId;
    const other = await buildPlatform(db(), { issuer: 'https://other-university.example.org' });
    const [otherRow] = await db().select().from(platforms).where(eq(platforms.id, other.id));
    otherBodyId = otherRow!.issuerProfileId;
  });
  afterAll(async () => {
    await close?.();
  });

  describe('the admin API', () => {
    it('adds a partner to an awarding body and lists it', async () => {
      const added = await api(`/api/admin/issuer-profiles/${ownBodyId}/partners`, {
        method: 'POST',
        body: JSON.stringify(PARTNER),
      });
      expect(added.status).toBe(201);
      const listed = await api(`/api/admin/issuer-profiles/${ownBodyId}/partners`);
      expect(((await listed.json()) as { partners: unknown[] }).partners).toEqual([
        expect.objectContaining({ ...PARTNER, recognisedAchievementIds: [] }),
      ]);
    });

    it('refuses the same issuer twice for one body (409)', async () => {
      const again = await api(`/api/admin/issuer-profiles/${ownBodyId}/partners`, {
        method: 'POST',
        body: JSON.stringify(PARTNER),
      });
      expect(again.status).toBe(409);
    });

    it('refuses a partner without an issuer identifier it can match (400)', async () => {
      const invalid = await api(`/api/admin/issuer-profiles/${ownBodyId}/partners`, {
        method: 'POST',
        body: JSON.stringify({ ...PARTNER, issuerId: 'University B' }),
      });
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe(
        'BAD_REQUEST',
      );
    });

    it('changes and removes a partner; a removed one no longer counts', async () => {
      const [partner] = await listPartners(db(), ownBodyId);
      const changed = await api(`/api/admin/partners/${partner!.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ ...PARTNER, maxEcts: 3 }),
      });
      expect(((await changed.json()) as { partner: { maxEcts: number } }).partner.maxEcts).toBe(3);
      expect((await api(`/api/admin/partners/${partner!.id}`, { method: 'DELETE' })).status).toBe(
        204,
      );
      expect(await listPartners(db(), ownBodyId)).toEqual([]);
      const readded = await api(`/api/admin/issuer-profiles/${ownBodyId}/partners`, {
        method: 'POST',
        body: JSON.stringify(PARTNER),
      });
      expect(readded.status).toBe(201);
    });

    describe('changes that meet another partner of the same body', () => {
      let bodyId: string;
      const partners = () => `/api/admin/issuer-profiles/${bodyId}/partners`;
      const add = (issuerId: string, name: string) =>
        api(partners(), { method: 'POST', body: JSON.stringify({ ...PARTNER, issuerId, name }) });

      beforeAll(async () => {
        const platform = await buildPlatform(db(), {
          issuer: 'https://third-university.example.org',
        });
        const [row] = await db().select().from(platforms).where(eq(platforms.id, platform.id));
        bodyId = row!.issuerProfileId;
      });

      it('refuses to give a partner the issuer of a removed one: 409 with the reason, both kept', async () => {
        const removed = (await (await add('did:web:uni-e.example', 'University E')).json()) as {
          partner: { id: string };
        };
        await api(`/api/admin/partners/${removed.partner.id}`, { method: 'DELETE' });
        const kept = (await (await add('did:web:uni-f.example', 'University F')).json()) as {
          partner: { id: string };
        };

        const renamed = await api(`/api/admin/partners/${kept.partner.id}`, {
          method: 'PATCH',
          body: JSON.stringify({ ...PARTNER, issuerId: 'did:web:uni-e.example', name: 'F' }),
        });

        expect(renamed.status).toBe(409);
        expect(((await renamed.json()) as { error: { message: string } }).error.message).toBe(
          'did:web:uni-e.example was a partner of this awarding body and was removed: add it again instead.',
        );
        expect((await listPartners(db(), bodyId)).map((partner) => partner.issuerId)).toEqual([
          'did:web:uni-f.example',
        ]);
      });

      it('says so on the partner’s page too: 422, the issuer field marked', async () => {
        const [kept] = await listPartners(db(), bodyId);
        const page = `/admin/partners/${kept!.id}`;
        const { browser, html } = await signedInAdmin(tool, page);
        const { response } = await postForm(tool, browser, page, {
          _csrf: csrfTokenIn(html),
          issuerId: 'did:web:uni-e.example',
          name: 'University F',
          countryCode: 'FI',
          qualityAssurance: 'Una Europa alliance agreement.',
          recognisedAchievementIds: '',
          recognisedAlignments: '',
          maxEcts: '',
        });
        expect(response.status).toBe(422);
        const answer = await response.text();
        expect(answer).toContain(
          'This institution was a partner of the awarding body and was removed: add it again from the list of partners.',
        );
        expect(answer).toMatch(/id="field-issuerId"[^>]*aria-invalid="true"/);
      });

      it('adds a partner sent twice at the same moment once: 201 and 409', async () => {
        const answers = await Promise.all([
          add('did:web:uni-g.example', 'University G'),
          add('did:web:uni-g.example', 'University G'),
        ]);
        expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      });
    });

    it('answers nobody without the admin token (401)', async () => {
      const response = await api(`/api/admin/issuer-profiles/${ownBodyId}/partners`, {}, null);
      expect(response.status).toBe(401);
    });
  });

  describe('the admin page', () => {
    it('adds a partner through the form', async () => {
      const { browser, html } = await signedInAdmin(tool, '/admin/partners');
      const { response } = await postForm(tool, browser, '/admin/partners', {
        _csrf: csrfTokenIn(html),
        issuerProfileId: otherBodyId,
        issuerId: 'did:web:uni-c.example',
        name: 'University C',
        countryCode: 'se',
        qualityAssurance: 'Accredited by UKÄ.',
        recognisedAchievementIds: 'https://uni-c.example/a/1\nhttps://uni-c.example/a/2',
        recognisedAlignments: '',
        maxEcts: '2,5',
      });
      expect(response.status).toBe(303);
      expect(await listPartners(db(), otherBodyId)).toEqual([
        expect.objectContaining({
          countryCode: 'SE',
          recognisedAchievementIds: ['https://uni-c.example/a/1', 'https://uni-c.example/a/2'],
          maxEcts: 2.5,
        }),
      ]);
    });

    it('shows what is wrong in a form it refuses (422), storing nothing', async () => {
      const { browser, html } = await signedInAdmin(tool, '/admin/partners');
      const { response } = await postForm(tool, browser, '/admin/partners', {
        _csrf: csrfTokenIn(html),
        issuerProfileId: ownBodyId,
        issuerId: 'did:web:uni-d.example',
        name: 'University D',
        countryCode: '',
        qualityAssurance: '',
        recognisedAchievementIds: '',
        recognisedAlignments: '',
        maxEcts: '',
      });
      expect(response.status).toBe(422);
      expect(await response.text()).toContain(
        'Say why you trust the institution&#39;s quality assurance.',
      );
      expect((await listPartners(db(), ownBodyId)).map((partner) => partner.name)).toEqual([
        'University B',
      ]);
    });

    describe('opened by an administrator of an LMS', () => {
      let browser: Browser;
      let html: string;

      beforeAll(async () => {
        const frame = createBrowser();
        await lms.launch({
          browser: frame,
          user: { id: 'lms-admin' },
          roles: [LTI_ROLES.instructor, LMS_ADMINISTRATOR],
          context: { id: 'partner-course' },
        });
        const handOff = await (
          await frame.request(`${tool.url}/course/admin-pages`)
        ).response.text();
        const href = /href="(\/admin\/lms-sign-in\?ticket=[^"]+)"/.exec(handOff)?.[1];
        browser = createBrowser();
        await browser.request(`${tool.url}${href!.replaceAll('&amp;', '&')}`);
        html = await (await browser.request(`${tool.url}/admin/partners`)).response.text();
      });

      it('lists the partners of their awarding body only', () => {
        expect(html).toContain('University B');
        expect(html).not.toContain('University C');
      });

      it('cannot add a partner to another awarding body (422, nothing stored)', async () => {
        const { response } = await postForm(tool, browser, '/admin/partners', {
          _csrf: csrfTokenIn(html),
          issuerProfileId: otherBodyId,
          issuerId: 'did:web:uni-e.example',
          name: 'University E',
          countryCode: '',
          qualityAssurance: 'Trusted.',
          recognisedAchievementIds: '',
          recognisedAlignments: '',
          maxEcts: '',
        });
        expect(response.status).toBe(422);
        expect(await listPartners(db(), otherBodyId)).toHaveLength(1);
      });

      it('cannot remove a partner of another awarding body (404)', async () => {
        const [other] = await listPartners(db(), otherBodyId);
        const { response } = await postForm(tool, browser, `/admin/partners/${other!.id}/remove`, {
          _csrf: csrfTokenIn(html),
        });
        expect(response.status).toBe(404);
        expect(await listPartners(db(), otherBodyId)).toHaveLength(1);
      });
    });
  });
});
