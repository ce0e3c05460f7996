import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bakePng, readPngChunks, writePngChunks } from '../../../src/badges/bake.js';
import { badgePng } from '../../../src/badges/badge-image.js';
import { createIssuerDidResolver } from '../../../src/badges/issuer-did-document.js';
import { encodeBitstring, STATUS_LIST_SIZE } from '../../../src/badges/status-list.js';
import { toolDocuments } from '../../../src/badges/tool-document-loader.js';
import { createVerificationPool } from '../../../src/badges/verify/verification-pool.js';
import type { PartnerDocuments } from '../../../src/badges/verify/verify-credential.js';
import type { Database } from '../../../src/db/database.js';
import { VerifierBusyError } from '../../../src/errors.js';
import { PUBLIC_URL, givenAward } from '../../awards/award-fixtures.js';
import { createTestDatabase } from '../../support/test-database.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/validator/${name}`, import.meta.url));

/** The hostile inputs of issue 14: each must be answered, with the reason it is refused. */
const HOSTILE_SVG = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg">${'<openbadges:credential>'.repeat(45_000)}</svg>`,
);
const NESTED_JSON = Buffer.from(`${'{"a":'.repeat(500_000)}1${'}'.repeat(500_000)}`);
function pngWithManyCredentialChunks(): Buffer {
  const chunks = readPngChunks(
    bakePng(badgePng({ id: 'urn:x', name: 'Badge', image: null }), '{}'),
  );
  const credential = chunks.find((chunk) => chunk.type === 'iTXt');
  const end = chunks.at(-1);
  if (!credential || !end) throw new Error('the baked PNG lacks its credential or end');
  return writePngChunks([
    ...chunks.slice(0, -1),
    ...Array<typeof credential>(5_000).fill(credential),
    end,
  ]);
}

describe('createVerificationPool: verification in worker threads, in bounded time', () => {
  let database: Database;
  let pool: ReturnType<typeof createVerificationPool>;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = createVerificationPool({ db: database.db, publicUrl: PUBLIC_URL });
  });
  afterAll(async () => {
    await pool.close();
    await database.close();
  });

  it('verifies one of our credentials, reading our DID and status list through this thread', async () => {
    const award = await givenAward(database.db, 'pool-learner');
    const report = await pool.verify(award.credential as object);
    expect(report.checks.filter((check) => check.outcome === 'failed')).toEqual([]);
    expect(report.checks.find((check) => check.check === 'status')?.reasonCode).toBe('notRevoked');
    expect(report.verified).toBe(true);
  });

  it('verifies a baked badge sent as bytes', async () => {
    const report = await pool.verify(fixture('simple-json.png'));
    expect(report).toMatchObject({ verified: true, format: 'png' });
  });

  it.each([
    ['a megabyte of repeated credential openings in an SVG', HOSTILE_SVG, 'svg', 'svgUnreadable'],
    [
      'a PNG with thousands of credential chunks',
      pngWithManyCredentialChunks(),
      'png',
      'pngUnreadable',
    ],
    ['JSON nested half a million levels deep', NESTED_JSON, 'json', 'jsonTooDeep'],
  ])('answers %s with the reason it is refused', async (_name, input, format, reasonCode) => {
    const report = await pool.verify(input);
    expect(report).toMatchObject({ verified: false, format });
    expect(report.checks).toEqual([
      expect.objectContaining({ check: 'format', outcome: 'failed', reasonCode }),
    ]);
  });

  it('answers VERIFY_TIMEOUT when a verification runs over its time budget', async () => {
    const hurried = createVerificationPool({
      db: database.db,
      publicUrl: PUBLIC_URL,
      timeBudgetMs: 1,
    });
    try {
      const report = await hurried.verify(fixture('simple.json'));
      expect(report).toMatchObject({
        verified: false,
        checks: [],
        credential: null,
        error: { code: 'VERIFY_TIMEOUT' },
      });
    } finally {
      await hurried.close();
    }
  });

  it('refuses what does not fit in its queue as busy, with the seconds to wait', async () => {
    const small = createVerificationPool({
      db: database.db,
      publicUrl: PUBLIC_URL,
      workers: 1,
      maxQueue: 1,
    });
    try {
      // The worker starts on the first request: the first waits in the queue, the rest find it full.
      const answers = await Promise.allSettled(
        [1, 2, 3].map(() => small.verify(fixture('simple.json'))),
      );
      expect(answers[0]).toMatchObject({ status: 'fulfilled', value: { verified: true } });
      for (const answer of answers.slice(1)) {
        expect(answer.status).toBe('rejected');
        const error = (answer as PromiseRejectedResult).reason as VerifierBusyError;
        expect(error).toBeInstanceOf(VerifierBusyError);
        expect(error).toMatchObject({ code: 'VERIFY_BUSY', status: 503, retryAfterSeconds: 5 });
      }
    } finally {
      await small.close();
    }
  });

  describe('a credential of a partner, verified at another instance of the tool', () => {
    let elsewhere: ReturnType<typeof createVerificationPool>;
    let credential: {
      issuer: { id: string };
      credentialStatus: { statusListCredential: string; statusListIndex: string };
    };

    /** What recognition reads from the partner beforehand: its DID document, context and list. */
    const partnerDocuments = async (revokedIndexes: number[]): Promise<PartnerDocuments> => {
      const did = credential.issuer.id;
      const didDocument = await createIssuerDidResolver({
        db: database.db,
        publicUrl: PUBLIC_URL,
      })(did);
      return {
        didDocuments: new Map([[did, didDocument!]]),
        statusLists: new Map([
          [
            credential.credentialStatus.statusListCredential,
            encodeBitstring(STATUS_LIST_SIZE, revokedIndexes),
          ],
        ]),
        contexts: toolDocuments(PUBLIC_URL),
      };
    };

    beforeAll(async () => {
      const award = await givenAward(database.db, 'partner-learner');
      credential = award.credential as typeof credential;
      elsewhere = createVerificationPool({
        db: database.db,
        publicUrl: 'https://elsewhere.example',
      });
    });
    afterAll(async () => {
      await elsewhere?.close();
    });

    it('verifies it with the partner’s documents it is given, which its workers cannot read', async () => {
      const report = await elsewhere.verify(credential, await partnerDocuments([]));
      expect(report.checks.filter((check) => check.outcome === 'failed')).toEqual([]);
      expect(report.verified).toBe(true);
    });

    it('reads its revocation in the partner’s status list it is given', async () => {
      const index = Number(credential.credentialStatus.statusListIndex);
      const report = await elsewhere.verify(credential, await partnerDocuments([index]));
      expect(report.checks.find((check) => check.check === 'status')).toMatchObject({
        outcome: 'failed',
        reasonCode: 'revokedInIssuerList',
      });
    });

    it('cannot check its proof without them', async () => {
      const report = await elsewhere.verify(credential);
      expect(report.verified).toBe(false);
      expect(report.checks.find((check) => check.check === 'proof')?.outcome).not.toBe('passed');
    });
  });
});
