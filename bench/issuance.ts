/**
 * Issuance throughput, `npx tsx bench/issuance.ts [count] [concurrency]`.
 *
 * Measures, in one process (everything on the main thread, the database too when it is the
 * embedded PGlite; with DATABASE_URL a fresh database on that PostgreSQL server), credentials
 * per second of wall time and per CPU second of this process ("per core") of the product
 * issuer, createCredentialIssuer (what the award service calls): status index allocation,
 * build, schema check, proof, and the committed INSERT of the credential record. It is driven
 * by `concurrency` callers at once, as concurrent awards call it, so its group commit writes
 * their records together; one caller at a time is measured too. Formats:
 * - Data Integrity alone: eddsa-rdfc-2022 proof (our signer, which caches the JSON-LD
 *   expansion per credential shape);
 * - VC-JWT alone: ES256 JWT;
 * - both, as the tool issues every credential;
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
import { buildCredential } from '../src/badges/build-credential.js';
import { issuerDid } from '../src/badges/did-web.js';
import {
  createCredentialIssuer,
  type CredentialFormat,
  type CredentialIssueRequest,
} from '../src/badges/issue-credential.js';
import { createToolDocumentLoader } from '../src/badges/tool-document-loader.js';
import { ensureIssuerJwtKey } from '../src/badges/issuer-jwt-keys.js';
import { ensureIssuerKey } from '../src/badges/issuer-keys.js';
import {
  microcredentialContextUrl,
  microcredentialSchemaUrl,
} from '../src/badges/microcredential-context.js';
import { statusListUrl } from '../src/badges/status-list.js';
import { issuerProfiles } from '../src/db/schema.js';
import { createTestDatabase } from '../test/support/test-database.js';

const PUBLIC_URL = 'https://badges.uni.example';
const SECRET = 'bench-secret-bench-secret-bench-secret';
const COUNT = Number(process.argv[2] ?? 2000);
const CONCURRENCY = Number(process.argv[3] ?? 100);
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
  publishRecipientName: true,
});
const did = issuerDid(PUBLIC_URL, 'bench');
const key = await ensureIssuerKey({ db, secret: SECRET, issuerProfileId: 'bench', did });
const jwtKey = await ensureIssuerJwtKey({ db, secret: SECRET, issuerProfileId: 'bench', did });
const documentLoader = createToolDocumentLoader({ db, publicUrl: PUBLIC_URL });
const now = new Date('2026-11-28T12:00:00Z');

/** The achievement of every award the bench issues. */
const ACHIEVEMENT = {
  id: '7d0c7a4e-3a7e-4b53-9a3c-0c5b8f8f2d11',
  name: 'Circular economy in practice',
  description: 'Designs material loops for a product and measures their effect.',
  criteria: 'Score at least 80% in the final quiz.',
  ects: 3,
  eqfLevel: 6,
  language: 'en',
};

/** An award of a full micro-credential: every EU element, a learner with name and email. */
function request(): CredentialIssueRequest {
  return {
    awardId: randomUUID(),
    issuedAt: now,
    issuerProfileId: 'bench',
    achievement: {
      ...ACHIEVEMENT,
      version: 1,
      eu: {
        fieldOfStudy: 'Environmental protection technology',
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
      platformIssuer: 'https://moodle.uni.example',
      sub: String(Math.floor(Math.random() * 1e9)),
      name: 'Marie Curie',
      email: 'marie.curie@uni.example',
    },
    evidenceStatementIds: [randomUUID()],
    scoreScaled: Math.random(),
  };
}

/** Rates per wall second and per CPU second of `count` tasks run by `concurrency` callers. */
async function measure(
  name: string,
  count: number,
  concurrency: number,
  task: () => Promise<unknown>,
) {
  for (let i = 0; i < Math.min(20, count); i += 1) await task(); // warm-up
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < count) {
        started += 1;
        await task();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const result = { name, count, perSecond: count / seconds, perCpuSecond: count / cpuSeconds };
  console.log(
    `${name.padEnd(62)} ${result.perSecond.toFixed(0).padStart(7)} /s   ${result.perCpuSecond.toFixed(0).padStart(7)} /CPU-s   (${count} in ${seconds.toFixed(2)} s)`,
  );
  return result;
}

console.log(
  `Node ${process.version}, ${database.mode === 'pglite' ? 'embedded PGlite (same process)' : 'PostgreSQL (DATABASE_URL)'}; load average ${os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')} on ${os.availableParallelism()} cores\n`,
);

// The baselines sign the credential the product issuer builds for an award like the others.
const sample = buildCredential({
  credentialId: randomUUID(),
  issuedAt: now,
  issuer: { did, name: 'Université Exemple', url: 'https://uni.example', email: null },
  achievement: {
    ...ACHIEVEMENT,
    id: `${PUBLIC_URL}/achievements/${ACHIEVEMENT.id}/versions/1`,
    microCredential: null,
  },
  recipient: {
    subjectId: `urn:uuid:${randomUUID()}`,
    platformIssuer: 'https://moodle.uni.example',
    sub: '1',
    name: 'Marie Curie',
    hashedEmail: null,
  },
  scoreScaled: 0.9,
  evidence: [],
  extension: {
    contextUrl: microcredentialContextUrl(PUBLIC_URL),
    schemaUrl: microcredentialSchemaUrl(PUBLIC_URL),
  },
  status: { statusListCredential: statusListUrl(PUBLIC_URL, randomUUID()), statusListIndex: 0 },
});

const plainVc = await measure(
  'plain @digitalbazaar/vc issue (eddsa-rdfc-2022), no write',
  BASELINE_COUNT,
  1,
  async () => {
    const suite = new DataIntegrityProof({ signer: key.signer(), cryptosuite, date: now });
    await issue({ credential: structuredClone(sample), suite, documentLoader, now });
  },
);
const jwtPayload = { ...sample, iss: sample.issuer.id, jti: sample.id };
const plainJose = await measure('plain jose SignJWT (ES256), no write', COUNT, 1, async () => {
  await new SignJWT(jwtPayload)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: jwtKey.keyId })
    .sign(jwtKey.privateKey);
});

const issuerOf = (formats: readonly CredentialFormat[]) => {
  const issueCredential = createCredentialIssuer({
    db,
    secret: SECRET,
    publicUrl: PUBLIC_URL,
    formats,
  });
  return () => issueCredential(request());
};
const issueDataIntegrity = issuerOf(['data-integrity']);
const issueJwt = issuerOf(['vc-jwt']);
const issueBoth = issuerOf(['data-integrity', 'vc-jwt']);
const each = `${CONCURRENCY} concurrent callers`;
await measure(
  'Data Integrity issuance, one caller at a time',
  Math.round(COUNT / 4),
  1,
  issueDataIntegrity,
);
const dataIntegrity = await measure(
  `Data Integrity issuance, ${each}`,
  COUNT,
  CONCURRENCY,
  issueDataIntegrity,
);
await measure('VC-JWT issuance, one caller at a time', Math.round(COUNT / 4), 1, issueJwt);
const vcJwt = await measure(`VC-JWT issuance, ${each}`, COUNT, CONCURRENCY, issueJwt);
await measure(`both forms (what the tool issues), ${each}`, COUNT, CONCURRENCY, issueBoth);

const ratio = dataIntegrity.perCpuSecond / plainVc.perCpuSecond;
console.log(
  `\nData Integrity with the write / plain @digitalbazaar/vc: ${ratio.toFixed(1)} × (target ≥ 2.5 ×) ${ratio >= 2.5 ? 'MET' : 'NOT MET'}`,
);
console.log(
  `VC-JWT with the write: ${vcJwt.perCpuSecond.toFixed(0)} /CPU-s = ${(vcJwt.perCpuSecond / plainJose.perCpuSecond).toFixed(2)} × plain jose (target ≥ 3000 /CPU-s) ${vcJwt.perCpuSecond >= 3000 ? 'MET' : 'NOT MET'}`,
);
await database.close();
