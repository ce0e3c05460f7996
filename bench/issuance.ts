/**
 * Issuance throughput, `npx tsx bench/issuance.ts [count]`.
 *
 * Measures, in one process (everything on the main thread, the database too when it is the
 * embedded PGlite; with DATABASE_URL a fresh database on that PostgreSQL server), credentials
 * per second of wall time and per CPU second of this process ("per core") for:
 * - Data Integrity issuance: build + schema check + eddsa-rdfc-2022 proof (our signer, which
 *   caches the JSON-LD expansion per credential shape) + INSERT of the credential record;
 * - VC-JWT issuance: build + schema check + ES256 JWT + INSERT of the credential record;
 * and, as baselines in the same run on the same credential, the plain library rates without
 * any write: `@digitalbazaar/vc` `issue()` with `DataIntegrityProof` + eddsa-rdfc-2022, and
 * `jose` `SignJWT` ES256. Targets (issue 5): Data Integrity ≥ 2.5 × plain @digitalbazaar/vc,
 * VC-JWT ≥ 3,000 credentials/s including the write.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { issue } from '@digitalbazaar/vc';
import { SignJWT } from 'jose';
import { buildCredential, type CredentialInput } from '../src/badges/build-credential.js';
import { issuerDid } from '../src/badges/did-web.js';
import { createToolDocumentLoader } from '../src/badges/issue-credential.js';
import { ensureIssuerJwtKey } from '../src/badges/issuer-jwt-keys.js';
import { ensureIssuerKey } from '../src/badges/issuer-keys.js';
import {
  microcredentialContextUrl,
  microcredentialSchemaUrl,
} from '../src/badges/microcredential-context.js';
import { createFastDataIntegritySigner } from '../src/badges/sign/data-integrity-fast.js';
import { signVcJwt } from '../src/badges/sign/vc-jwt.js';
import { assertValidCredential } from '../src/badges/validate-credential.js';
import { credentialRecords, issuerProfiles, statusLists } from '../src/db/schema.js';
import { createTestDatabase } from '../test/support/test-database.js';

const PUBLIC_URL = 'https://badges.uni.example';
const SECRET = 'bench-secret-bench-secret-bench-secret';
const COUNT = Number(process.argv[2] ?? 2000);
const BASELINE_COUNT = Math.max(50, Math.round(COUNT / 10));

// A fresh database: embedded PGlite (on this core), or with DATABASE_URL a new database on
// that PostgreSQL server (its work then runs in the server's processes), dropped at the end.
const database = await createTestDatabase();
const { db } = database;
await db.insert(issuerProfiles).values({
  id: 'bench',
  name: 'Université Exemple',
  url: 'https://uni.example',
  countryCode: 'FR',
  address: { addressRegion: 'Île-de-France', addressCountryCode: 'FR' },
  identifiers: [{ identifierType: 'ext:ErasmusCode', identifier: 'F PARIS001' }],
  parentOrg: { id: 'https://una-europa.example', name: 'Una Europa' },
});
const [created] = await db
  .insert(statusLists)
  .values({ issuerProfileId: 'bench', size: 131_072 })
  .returning();
if (!created) throw new Error('no status list');
const list = created;
const did = issuerDid(PUBLIC_URL, 'bench');
const key = await ensureIssuerKey({ db, secret: SECRET, issuerProfileId: 'bench', did });
const jwtKey = await ensureIssuerJwtKey({ db, secret: SECRET, issuerProfileId: 'bench', did });
const documentLoader = createToolDocumentLoader({ db, publicUrl: PUBLIC_URL });
const fastSign = createFastDataIntegritySigner({ documentLoader });
const now = new Date('2026-11-28T12:00:00Z');
let nextIndex = 0;

/** A full micro-credential: every EU element, a learner with name and hashed email, evidence. */
function input(): CredentialInput {
  const credentialId = randomUUID();
  return {
    credentialId,
    issuedAt: now,
    issuer: {
      did,
      name: 'Université Exemple',
      url: 'https://uni.example',
      email: null,
      address: { addressRegion: 'Île-de-France', addressCountryCode: 'FR' },
      identifiers: [{ identifierType: 'ext:ErasmusCode', identifier: 'F PARIS001' }],
      parentOrg: { id: 'https://una-europa.example', name: 'Una Europa' },
    },
    achievement: {
      id: `${PUBLIC_URL}/achievements/7d0c7a4e-3a7e-4b53-9a3c-0c5b8f8f2d11/versions/1`,
      name: 'Circular economy in practice',
      description: 'Designs material loops for a product and measures their effect.',
      criteria: 'Score at least 80% in the final quiz.',
      ects: 3,
      eqfLevel: 6,
      language: 'en',
      fieldOfStudy: 'Environmental protection technology',
      microCredential: {
        learningOutcomes: [
          {
            text: 'Maps the material flows of a product.',
            escoSkills: ['http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a'],
          },
          { text: 'Proposes reuse and recycling loops.', escoSkills: [] },
        ],
        workloadHours: 75,
        assessmentType: 'http://data.europa.eu/snb/assessment/6e6cb2cc78',
        participationForm: 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe',
        qualityAssurance: 'Internal QA of the University, accredited by HCERES.',
        prerequisites: 'A bachelor degree in engineering or economics.',
        supervision: 'supervised-id',
        gradingScheme: 'Percentage of points; 80% passes.',
        stackability: { isStackable: true, stacksInto: [] },
        furtherInformation: 'Offered each semester.',
      },
    },
    recipient: {
      subjectId: `urn:uuid:${randomUUID()}`,
      platformIssuer: 'https://moodle.uni.example',
      sub: String(Math.floor(Math.random() * 1e9)),
      name: 'Marie Curie',
      hashedEmail: { identityHash: `sha256$${'ab'.repeat(32)}`, salt: randomUUID() },
    },
    scoreScaled: Math.random(),
    evidence: [
      {
        statementId: credentialId,
        url: `${PUBLIC_URL}/xapi/statements?statementId=${credentialId}`,
        narrative: 'An xAPI statement recorded by the issuing tool that met the criteria.',
      },
    ],
    extension: {
      contextUrl: microcredentialContextUrl(PUBLIC_URL),
      schemaUrl: microcredentialSchemaUrl(PUBLIC_URL),
    },
    status: {
      statusListCredential: `${PUBLIC_URL}/status-lists/${list.id}`,
      statusListIndex: nextIndex,
    },
  };
}

type RecordRow = typeof credentialRecords.$inferInsert;
let pending: RecordRow[] = [];

/**
 * Writes the credential record: at once (`batch` 1), or queued and written `batch` rows per
 * INSERT, the way a bulk issuing job commits; `flush` writes what is left.
 */
async function record(id: string, credential: object, jwt: string, batch: number) {
  pending.push({
    id,
    issuerProfileId: 'bench',
    credential: credential as Record<string, unknown>,
    jwt,
    statusListId: list.id,
    statusIndex: nextIndex++,
  });
  if (pending.length >= batch) await flush();
}

async function flush() {
  if (pending.length === 0) return;
  const rows = pending;
  pending = [];
  await db.insert(credentialRecords).values(rows);
}

/** Runs `task` `count` times one after the other; rates per wall second and per CPU second. */
async function measure(name: string, count: number, task: () => Promise<void>) {
  for (let i = 0; i < Math.min(20, count); i += 1) await task(); // warm-up
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await task();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result = { name, count, perSecond: count / seconds, perCpuSecond: count / cpuSeconds };
  console.log(
    `${name.padEnd(58)} ${result.perSecond.toFixed(0).padStart(7)} /s   ${result.perCpuSecond.toFixed(0).padStart(7)} /CPU-s   (${count} in ${seconds.toFixed(2)} s)`,
  );
  return result;
}

console.log(
  `Node ${process.version}, ${database.mode === 'pglite' ? 'embedded PGlite (same process)' : 'PostgreSQL (DATABASE_URL)'}; load average ${os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')} on ${os.availableParallelism()} cores\n`,
);

const sample = buildCredential(input());

const plainVc = await measure(
  'plain @digitalbazaar/vc issue (eddsa-rdfc-2022), no write',
  BASELINE_COUNT,
  async () => {
    const suite = new DataIntegrityProof({ signer: key.signer(), cryptosuite, date: now });
    await issue({ credential: structuredClone(sample), suite, documentLoader, now });
  },
);
const jwtPayload = { ...sample, iss: sample.issuer.id, jti: sample.id };
const plainJose = await measure('plain jose SignJWT (ES256), no write', COUNT, async () => {
  await new SignJWT(jwtPayload)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: jwtKey.keyId })
    .sign(jwtKey.privateKey);
});
const BATCH = 100;
const issueDataIntegrity = (batch: number) => async () => {
  const credential = buildCredential(input());
  assertValidCredential(credential);
  const signed = await fastSign({ credential, key, now });
  await record(credential.id.slice('urn:uuid:'.length), signed, '', batch);
};
const issueJwt = (batch: number) => async () => {
  const credential = buildCredential(input());
  assertValidCredential(credential);
  const jwt = await signVcJwt({ credential, key: jwtKey });
  await record(credential.id.slice('urn:uuid:'.length), {}, jwt, batch);
};
const withFlush = (task: () => Promise<void>, count: number) => {
  let done = 0;
  return async () => {
    await task();
    done += 1;
    if (done % count === 0) await flush();
  };
};
await measure(
  'Data Integrity issuance, one INSERT per credential',
  Math.round(COUNT / 4),
  issueDataIntegrity(1),
);
const dataIntegrity = await measure(
  `Data Integrity issuance, INSERTs of ${BATCH} credentials`,
  COUNT,
  withFlush(issueDataIntegrity(BATCH), COUNT),
);
await measure('VC-JWT issuance, one INSERT per credential', Math.round(COUNT / 4), issueJwt(1));
const vcJwt = await measure(
  `VC-JWT issuance, INSERTs of ${BATCH} credentials`,
  COUNT,
  withFlush(issueJwt(BATCH), COUNT),
);
await flush();

const ratio = dataIntegrity.perCpuSecond / plainVc.perCpuSecond;
console.log(
  `\nData Integrity / plain @digitalbazaar/vc: ${ratio.toFixed(1)} × (target ≥ 2.5 ×) ${ratio >= 2.5 ? 'MET' : 'NOT MET'}`,
);
console.log(
  `VC-JWT with the write: ${vcJwt.perCpuSecond.toFixed(0)} /CPU-s (target ≥ 3000) ${vcJwt.perCpuSecond >= 3000 ? 'MET' : 'NOT MET'}; plain jose: ${plainJose.perCpuSecond.toFixed(0)} /CPU-s`,
);
await database.close();
