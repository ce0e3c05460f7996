import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { awardJobHandlers } from '../../src/awards/award-job-handlers.js';
import { evaluateLearner } from '../../src/awards/evaluate-learner.js';
import { pendingAchievementsReferencing } from '../../src/awards/rule-index.js';
import { validateCredential } from '../../src/badges/validate-credential.js';
import type { Database, Db } from '../../src/db/database.js';
import {
  awards,
  issuerProfiles,
  partnerIssuers,
  recognisedCredentials,
  ruleReferences,
  users,
} from '../../src/db/schema.js';
import { credentialRecognisedJob } from '../../src/jobs/credential-recognised-job.js';
import { createJobRegistry } from '../../src/jobs/job-registry.js';
import { startJobWorker, type JobWorker } from '../../src/jobs/job-worker.js';
import { createPlatformServices } from '../../src/lti/platform-services.js';
import { openToolKeyring } from '../../src/lti/tool-key.js';
import {
  createOutgoingRequests,
  type OutgoingRequests,
} from '../../src/outgoing/outgoing-requests.js';
import { reviewBroughtCredential } from '../../src/recognition/brought-credentials.js';
import { createTestDatabase } from '../support/test-database.js';
import {
  awardDeps,
  exam,
  givenAchievement,
  givenCourse,
  givenLearner,
  jobsOfKind,
  store,
} from './award-fixtures.js';

const ESCO = 'http://data.europa.eu/esco/skill/5b2d6f1c-1a2b-4c3d-8e9f-000000000001';
const CLIMATE = 'https://partner.example/achievements/climate-now';

/** A partner in the registry of an awarding body. */
async function givenPartner(db: Db, issuerProfileId: string, issuerId: string) {
  const [partner] = await db
    .insert(partnerIssuers)
    .values({
      issuerProfileId,
      issuerId,
      name: 'Partner University',
      countryCode: 'FI',
      qualityAssurance: 'Accredited by FINEEC.',
    })
    .returning();
  return partner!;
}

/** A partner's credential recognised for the learner (what the upload path stores). */
async function givenRecognised(
  db: Db,
  userId: string,
  partnerIssuerId: string,
  fields: Partial<typeof recognisedCredentials.$inferInsert> = {},
) {
  const credentialId = `urn:uuid:${crypto.randomUUID()}`;
  const [row] = await db
    .insert(recognisedCredentials)
    .values({
      userId,
      partnerIssuerId,
      credentialId,
      credential: { id: credentialId },
      achievementId: CLIMATE,
      achievementName: 'Climate.now',
      alignments: [ESCO],
      statedEcts: 6,
      countedEcts: 5,
      binding: 'identity',
      status: 'recognised',
      ...fields,
    })
    .returning();
  return row!;
}

/** A course whose awarding body trusts a partner, with a learner holding a 3-ECTS course credential. */
async function givenAlliance(db: Db, sub: string) {
  const place = await givenCourse(db);
  const learner = await givenLearner(db, place, sub);
  const partner = await givenPartner(db, place.platform.issuerProfileId!, `did:web:${sub}.example`);
  const course = await givenAchievement(db, place.course.id, {
    name: 'Circular economy',
    ects: 3,
    rule: { passed: exam(sub) },
  });
  await store(db, place, [{ sub, activity: exam(sub) }]);
  await evaluateLearner(awardDeps(db), learner.id, {
    activityIds: [exam(sub)],
    achievementIds: [],
  });
  const stack = await givenAchievement(db, place.course.id, {
    name: 'Alliance micro-credential',
    ects: 10,
    rule: {
      stackingCap: {
        ects: 60,
        target: 'MSc year',
        rule: { allOf: [{ earned: course.id }, { recognised: { alignment: ESCO } }] },
      },
    },
  });
  return { place, learner, partner, course, stack };
}

async function awardOf(db: Db, userId: string, achievementId: string) {
  const [award] = await db
    .select()
    .from(awards)
    .where(and(eq(awards.userId, userId), eq(awards.achievementId, achievementId)));
  return award;
}

describe('credentials recognised from partners, in evaluation', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('issues the stack a recognised credential completes, naming it as evidence with its issuer, id, name and ECTS', async () => {
    const { db } = database;
    const { learner, partner, stack } = await givenAlliance(db, 'ada');
    const recognition = await givenRecognised(db, learner.id, partner.id);

    await evaluateLearner(awardDeps(db), learner.id, {
      activityIds: [],
      achievementIds: [],
      recognised: true,
    });

    const award = await awardOf(db, learner.id, stack.id);
    const credential = award!.credential as {
      evidence: Record<string, unknown>[];
      credentialSubject: { creditsEarned?: number };
    };
    expect(credential.evidence).toContainEqual({
      type: ['Evidence'],
      name: 'Climate.now',
      narrative:
        'A credential the learner earned at a partner institution, recognised by the issuer, that met the rule this credential stacks.',
      description: 'Climate.now, issued by Partner University: 5 ECTS.',
      genre: 'Recognised credential',
      stackedCredential: recognition.credentialId,
      stackedIssuer: 'Partner University',
      stackedIssuerId: 'did:web:ada.example',
      ectsCredits: 5,
    });
    expect(award!.evidence).toMatchObject({
      creditsEarned: 8,
      recognisedCredentials: [
        {
          recognitionId: recognition.id,
          credentialId: recognition.credentialId,
          issuerId: 'did:web:ada.example',
          achievementName: 'Climate.now',
          ects: 5,
        },
      ],
    });
  });

  it('issues a stacked credential that is valid against the official OB 3.0 schema', async () => {
    const { db } = database;
    const { learner, partner, stack } = await givenAlliance(db, 'bea');
    await givenRecognised(db, learner.id, partner.id);
    await evaluateLearner(awardDeps(db), learner.id, {
      activityIds: [],
      achievementIds: [],
      recognised: true,
    });
    const award = await awardOf(db, learner.id, stack.id);
    expect(validateCredential(award!.credential)).toEqual({ valid: true, errors: [] });
  });

  it('does not count a credential recognised by the partner of another awarding body', async () => {
    const { db } = database;
    const { learner, stack } = await givenAlliance(db, 'cem');
    await db.insert(issuerProfiles).values({ id: 'profile-elsewhere', name: 'Elsewhere' });
    const elsewhere = await givenPartner(db, 'profile-elsewhere', 'did:web:cem.example');
    await givenRecognised(db, learner.id, elsewhere.id);
    await evaluateLearner(awardDeps(db), learner.id, {
      activityIds: [],
      achievementIds: [],
      recognised: true,
    });
    expect(await awardOf(db, learner.id, stack.id)).toBeUndefined();
  });

  it('does not count a credential still awaiting a teacher’s review', async () => {
    const { db } = database;
    const { learner, partner, stack } = await givenAlliance(db, 'dan');
    await givenRecognised(db, learner.id, partner.id, {
      status: 'awaiting-review',
      binding: 'teacher-review',
    });
    await evaluateLearner(awardDeps(db), learner.id, {
      activityIds: [],
      achievementIds: [],
      recognised: true,
    });
    expect(await awardOf(db, learner.id, stack.id)).toBeUndefined();
  });

  it('does not count a credential that has expired', async () => {
    const { db } = database;
    const { learner, partner, stack } = await givenAlliance(db, 'eve');
    await givenRecognised(db, learner.id, partner.id, { validUntil: new Date(Date.now() - 1000) });
    await evaluateLearner(awardDeps(db), learner.id, {
      activityIds: [],
      achievementIds: [],
      recognised: true,
    });
    expect(await awardOf(db, learner.id, stack.id)).toBeUndefined();
  });

  it('indexes a rule that counts recognised credentials, so a recognition finds it', async () => {
    const { db } = database;
    const { learner, stack } = await givenAlliance(db, 'fay');
    const entries = await db
      .select({ kind: ruleReferences.kind, ref: ruleReferences.ref })
      .from(ruleReferences)
      .where(eq(ruleReferences.achievementId, stack.id));
    expect(entries).toContainEqual({ kind: 'recognised', ref: '*' });
    const found = await pendingAchievementsReferencing(db, learner.id, {
      activityIds: [],
      achievementIds: [],
      recognised: true,
    });
    expect(found.map(({ achievement }) => achievement.id)).toEqual([stack.id]);
  });
});

describe('a recognition committed, the job worker runs the evaluation it queued', () => {
  let database: Database;
  let outgoing: OutgoingRequests;
  let worker: JobWorker;

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    const deps = awardDeps(db);
    outgoing = createOutgoingRequests({
      allowPrivate: { hosts: [], networks: [] },
      logger: deps.logger,
    });
    const keyring = await openToolKeyring(db, 'x'.repeat(40));
    worker = startJobWorker({
      db,
      logger: deps.logger,
      pollIntervalMs: 60_000,
      registry: createJobRegistry(
        awardJobHandlers({
          ...deps,
          services: createPlatformServices({ db, keyring, outgoingFetch: outgoing.fetch }),
          onWorkQueued: () => {},
        }),
      ),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await outgoing?.close();
    await database?.close();
  });

  it('issues, once, the stack a teacher’s approval of a partner’s credential completes', async () => {
    const { db } = database;
    const { place, learner, partner, stack } = await givenAlliance(db, 'gus');
    const [teacher] = await db
      .insert(users)
      .values({ platformId: place.platform.id, sub: 'teacher-of-gus', name: 'Teacher' })
      .returning();
    const brought = await givenRecognised(db, learner.id, partner.id, {
      courseId: place.course.id,
      status: 'awaiting-review',
      binding: 'teacher-review',
    });
    await worker.drain();
    expect(await awardOf(db, learner.id, stack.id)).toBeUndefined();

    await reviewBroughtCredential(db, {
      id: brought.id,
      courseId: place.course.id,
      reviewerUserId: teacher!.id,
      isApproved: true,
    });
    await worker.drain();

    const stackAwards = await db
      .select({ id: awards.id })
      .from(awards)
      .where(and(eq(awards.userId, learner.id), eq(awards.achievementId, stack.id)));
    expect(stackAwards).toHaveLength(1);
    const jobs = await jobsOfKind(db, credentialRecognisedJob.name);
    expect(jobs.map((job) => ({ payload: job.payload, status: job.status }))).toEqual([
      { payload: { userId: learner.id }, status: 'done' },
    ]);
  });
});
