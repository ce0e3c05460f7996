import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialVerifier } from '../../src/badges/verify/verify-credential.js';
import {
  REASON_CODES,
  type CheckName,
  type CredentialVerifier,
} from '../../src/badges/verify/verification-report.js';
import type { Database } from '../../src/db/database.js';
import { loadCatalogs } from '../../src/web/i18n.js';
import { createTestDatabase } from '../support/test-database.js';

const FIXTURES = new URL('./fixtures/validator/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

/** Each invalid fixture, the check that must fail, and words its reason must contain. */
const REJECTED: [file: string, check: CheckName, reason: RegExp][] = [
  ['simple-err-context.json', 'context', /W3C Verifiable Credentials context/],
  ['simple-err-type.json', 'type', /must include VerifiableCredential and OpenBadgeCredential/],
  ['simple-err-credential-subject-type.json', 'schema', /\/credentialSubject\/type/],
  [
    'simple-err-credential-subject-identifier-type.json',
    'schema',
    /\/credentialSubject\/identifier\/0\/type/,
  ],
  [
    'simple-err-credential-subject-profile-type.json',
    'schema',
    /\/credentialSubject\/source\/type/,
  ],
  [
    'simple-err-credential-subject-result-type.json',
    'schema',
    /\/credentialSubject\/result\/1\/type/,
  ],
  [
    'simple-err-credential-subject-achievement-result-description-type.json',
    'schema',
    /\/credentialSubject\/achievement\/resultDescription\/2\/type/,
  ],
  ['simple-err-evidence-type.json', 'schema', /\/evidence\/1\/type/],
  ['simple-err-issuer-type.json', 'schema', /\/issuer\/type/],
  ['simple-err-issuer-parentorg-type.json', 'schema', /\/issuer\/parentOrg\/type/],
  ['simple-err-issuer-otheridentifier-type.json', 'schema', /\/issuer\/otherIdentifier\/1\/type/],
  ['simple-err-issuer.json', 'issuer', /names no issuer/],
  ['simple-err-expired.json', 'validity', /Expired on 2010-01-01/],
  ['simple-err-issued.json', 'validity', /Not valid yet/],
  ['simple-err-proof-method.json', 'proof', /names no valid Ed25519 key/],
  ['simple-err-proof-method-no-scheme.json', 'proof', /has no URI scheme/],
  ['simple-err-proof-method-unknown-scheme.json', 'proof', /Unknown URI scheme "xxx:"/],
  ['simple-err-proof-method-unknown-did-method.json', 'proof', /Unknown DID method "did:example"/],
  ['simple-err-proof-value.json', 'proof', /signature is invalid/],
];

/** Valid fixtures whose keys resolve offline: they must verify. */
const VERIFIED = [
  'simple.json',
  'simple-did-key-method.json',
  'simple-did-web-method.json',
  'simple-context-alias.json',
  'simple-context-version.json',
  'simple-multiple-proofs.json',
  'complete.json',
  'simple-json.png',
  'simple-json.svg',
  'simple-jwt.png',
  'simple-jwt.svg',
  'simple-jwt_v1.png',
  'simple-jwt_v1.svg',
];

/** Valid fixtures this verifier cannot check offline: never rejected, never verified. */
const UNCHECKABLE = ['simple.jwt', 'simple_v1.json', 'simple-eddsa-2022.json'];

describe('POST /verify logic (createCredentialVerifier) on the 1EdTech validator fixtures', () => {
  let database: Database;
  let verify: CredentialVerifier;

  beforeAll(async () => {
    database = await createTestDatabase();
    verify = createCredentialVerifier({ db: database.db, publicUrl: 'http://127.0.0.1:3000' });
  });
  afterAll(async () => {
    await database.close();
  });

  it.each(REJECTED)('rejects %s: %s fails', async (file, check, reason) => {
    const report = await verify(fixture(file));
    expect(report.verified).toBe(false);
    const failed = report.checks.filter((entry) => entry.outcome === 'failed');
    expect(failed.map((entry) => entry.check)).toContain(check);
    expect(
      failed
        .filter((entry) => entry.check === check)
        .map((entry) => entry.reason)
        .join('\n'),
    ).toMatch(reason);
  });

  it.each(VERIFIED)('verifies %s', async (file) => {
    const report = await verify(fixture(file));
    expect(report.checks.filter((entry) => entry.outcome === 'failed')).toEqual([]);
    expect(report.verified).toBe(true);
  });

  it.each(UNCHECKABLE)('neither rejects nor verifies %s, saying why', async (file) => {
    const report = await verify(fixture(file));
    expect(report.checks.filter((entry) => entry.outcome === 'failed')).toEqual([]);
    expect(report.verified).toBe(false);
    expect(report.checks.find((entry) => entry.check === 'proof')?.outcome).toBe('skipped');
  });

  describe('reasons the pages can translate', () => {
    const pageReasons = loadCatalogs().en.public?.checkReason as Record<string, string>;
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]);

    it('has a text in the public catalog for every reason code, and none for any other', () => {
      expect(Object.keys(pageReasons).sort()).toEqual([...REASON_CODES].sort());
    });

    it('gives every check of every fixture a reason code and the values its text names', async () => {
      const problems: string[] = [];
      for (const file of readdirSync(FIXTURES).filter((name) => name !== 'README.md')) {
        for (const check of (await verify(fixture(file))).checks) {
          const text = pageReasons[check.reasonCode];
          if (text === undefined) {
            problems.push(`${file}: no text for "${check.reason}" (${check.reasonCode})`);
            continue;
          }
          const given = { ...check.reasonValues, ...check.reasonDates };
          for (const name of placeholders(text)) {
            if (given[name ?? ''] === undefined)
              problems.push(`${file}: ${check.reasonCode} lacks ${name}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('hands dates over as ISO dates, for the page to write in its language', async () => {
      const report = await verify(fixture('simple-err-expired.json'));
      const expired = report.checks.find((entry) => entry.reasonCode === 'expired');
      expect(expired?.reasonDates?.validUntil).toMatch(/^2010-01-01/);
      expect(expired?.reason).toMatch(/^Expired on 2010-01-01/);
    });

    it('keeps the error text of a library as a value, shown as it is', async () => {
      const report = await verify(fixture('simple-err-credential-subject-type.json'));
      const schema = report.checks.find((entry) => entry.check === 'schema');
      expect(schema?.reasonCode).toBe('schemaInvalid');
      expect(schema?.reasonValues?.detail).toMatch(/\/credentialSubject\/type/);
    });
  });

  it('reads the credential out of a baked PNG and names the container', async () => {
    const report = await verify(fixture('simple-json.png'));
    expect(report.format).toBe('png');
    expect(report.credential?.id).toBe('http://example.com/credentials/3527');
  });

  it('says so when a PNG carries no credential', async () => {
    const png = fixture('simple-json.png');
    const report = await verify(
      Buffer.from(
        png.toString('latin1').replace('openbadgecredential', 'openbadgexredential'),
        'latin1',
      ),
    );
    expect(report.verified).toBe(false);
    expect(report.checks[0]?.check).toBe('format');
  });
});
