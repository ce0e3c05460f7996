import { describe, expect, it } from 'vitest';
import type { Achievement } from '../../src/awards/create-achievement.js';
import { buildCredential } from '../../src/badges/build-credential.js';
import {
  MICROCREDENTIAL_SCHEMA,
  microcredentialContext,
} from '../../src/badges/microcredential-context.js';
import type { OpenBadgeCredential } from '../../src/badges/open-badge-credential.js';
import { buildElmCredential } from '../../src/elm/build-elm-credential.js';
import {
  fieldErrorsOf,
  formValuesOf,
  readAchievementForm,
} from '../../src/web/achievement-form.js';
import { achievementInputSchema } from '../../src/awards/create-achievement.js';
import { credentialElements } from '../../src/web/credential-page.js';
import { ACHIEVEMENT, annexICredential, annexIInput } from '../elm/elm-fixtures.js';

/**
 * Every output derived from the EU micro-credential elements, for achievements with all of them
 * set, against documents recorded before the elements became one table: the issued credential,
 * our JSON-LD context and JSON Schema, the ELM export, the public page's rows and the teacher's
 * form. A change in any byte of them shows here.
 */
const PUBLIC_URL = 'https://microcred.example';
const SNAPSHOTS = '../__snapshots__/eu-elements';
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

describe('the outputs of the EU micro-credential elements', () => {
  it('the OB 3.0 credential of an achievement with every element', async () => {
    await expect(json(annexICredential())).toMatchFileSnapshot(`${SNAPSHOTS}/credential.json`);
  });

  it('the OB 3.0 credential with a supervision level that has an EU concept', async () => {
    await expect(json(annexICredential({ supervision: 'unsupervised-no-id' }))).toMatchFileSnapshot(
      `${SNAPSHOTS}/credential-unsupervised.json`,
    );
  });

  it('the OB 3.0 credential of a stand-alone micro-credential with few elements', async () => {
    const credential = buildCredential({
      credentialId: '0b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4c',
      issuedAt: new Date('2026-11-28T10:00:05Z'),
      issuer: {
        did: 'did:web:microcred.example:issuers:x',
        name: 'X',
        url: null,
        email: null,
        address: { addressRegion: 'Bavaria', addressCountryCode: 'DE' },
      },
      achievement: {
        id: `${PUBLIC_URL}/achievements/1/versions/1`,
        name: 'N',
        description: 'D',
        criteria: 'C',
        ects: 1.5,
        eqfLevel: null,
        fieldOfStudy: null,
        microCredential: {
          learningOutcomes: [],
          assessmentType: 'http://data.europa.eu/snb/assessment/b1b68f6735',
          stackability: { isStackable: false, stacksInto: [] },
        },
      },
      recipient: { platformIssuer: 'https://lms.example', sub: 's', name: null, hashedEmail: null },
      scoreScaled: null,
      evidence: [],
      extension: {
        contextUrl: `${PUBLIC_URL}/contexts/microcredential-v1.jsonld`,
        schemaUrl: `${PUBLIC_URL}/schemas/microcredential-v1.json`,
      },
    });
    await expect(json(credential)).toMatchFileSnapshot(`${SNAPSHOTS}/credential-few.json`);
  });

  it('our JSON-LD context', async () => {
    await expect(json(microcredentialContext(PUBLIC_URL))).toMatchFileSnapshot(
      `${SNAPSHOTS}/context.json`,
    );
  });

  it('our JSON Schema', async () => {
    await expect(json(MICROCREDENTIAL_SCHEMA)).toMatchFileSnapshot(`${SNAPSHOTS}/schema.json`);
  });

  it('the ELM export of an award with every element', async () => {
    await expect(json(buildElmCredential(annexIInput()))).toMatchFileSnapshot(
      `${SNAPSHOTS}/elm.json`,
    );
  });

  it('the ELM export with a field of study outside ISCED-F and a stand-alone credential', async () => {
    const input = annexIInput();
    const elm = buildElmCredential({
      ...input,
      achievement: {
        ...input.achievement,
        eu: {
          ...ACHIEVEMENT.eu!,
          fieldOfStudy: 'Circular design',
          stackability: { isStackable: false, stacksInto: [] },
          supervision: undefined,
        },
      },
      credential: annexICredential({ supervision: 'unsupervised-id' }),
    });
    await expect(json(elm)).toMatchFileSnapshot(`${SNAPSHOTS}/elm-other.json`);
  });

  it('the rows of the public credential page', async () => {
    const credential = annexICredential() as unknown as OpenBadgeCredential;
    await expect(json(credentialElements(credential, '/issuers/1'))).toMatchFileSnapshot(
      `${SNAPSHOTS}/page-rows.json`,
    );
  });

  it('the teacher form filled with the achievement, and read back', async () => {
    const achievement = {
      ...ACHIEVEMENT,
      rule: null,
      gradeMode: 'result',
      stackCredit: 'fixed',
      stackResult: 'weighted-average',
      expiresAfter: 'P2Y',
      expiresOn: null,
    } as unknown as Achievement;
    const values = formValuesOf(achievement);
    const body: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      if (typeof value === 'string') body[name] = value;
    }
    values.outcomes.forEach((row, index) => {
      body[`outcomes.${index}.text`] = row.text;
      body[`outcomes.${index}.escoSkills`] = row.escoSkills;
    });
    values.translations.forEach((block, index) => {
      for (const [name, value] of Object.entries(block)) {
        body[`translations.${index}.${name}`] = value;
      }
    });
    const read = readAchievementForm(body, null);
    expect(read.values).toEqual(values);
    await expect(json({ values, input: read.input })).toMatchFileSnapshot(`${SNAPSHOTS}/form.json`);
  });

  it('the teacher form’s messages for a form with every element wrong', async () => {
    const read = readAchievementForm(
      {
        name: '',
        description: 'D',
        criteria: 'C',
        ects: 'three',
        eqfLevel: 'http://data.europa.eu/snb/eqf/9',
        workloadHours: '-1',
        assessmentType: 'http://example.org/exam',
        assessmentDescription: 'x'.repeat(2001),
        participationForm: 'http://example.org/online',
        qualityAssurance: ' ',
        qualityAssuranceUrl: 'ftp://uni.example',
        prerequisites: 'x'.repeat(2001),
        supervision: 'watched',
        gradingScheme: 'x'.repeat(2001),
        stackable: '',
        stackabilityDescription: 'Stacks.',
        stacksInto: 'not a url',
        furtherInformation: 'x'.repeat(5001),
        furtherInformationUrl: 'mailto:a@b.example',
        fieldOfStudy: 'x'.repeat(201),
        'outcomes.0.text': 'Knows.',
        'outcomes.0.escoSkills': 'http://example.org/skill',
        'translations.0.language': 'Deutsch',
        'translations.0.name': 'N',
        'translations.0.description': 'D',
      },
      null,
    );
    const parsed = achievementInputSchema.safeParse({ ...read.input, rule: null });
    expect(parsed.success).toBe(false);
    await expect(
      json(fieldErrorsOf(parsed.success ? [] : parsed.error.issues, read.fieldOf)),
    ).toMatchFileSnapshot(`${SNAPSHOTS}/form-errors.json`);
  });
});
