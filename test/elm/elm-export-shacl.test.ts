import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ASSESSMENT_TYPES,
  PARTICIPATION_FORMS,
  SUPERVISION_LEVELS,
  type SupervisionLevel,
} from '../../src/badges/eu-elements.js';
import {
  buildElmCredential,
  ElmIssuerCountryMissingError,
  hoursDuration,
  type ElmExportInput,
} from '../../src/elm/build-elm-credential.js';
import {
  assessmentTypeConcept,
  countryConcept,
  iscedFConcept,
  KNOWN_COUNTRY_CODES,
  languageConcept,
  modeConcept,
  supervisionConcept,
} from '../../src/elm/eu-vocabularies.js';
import { ESCO_SKILL, ONLINE, WRITTEN_EXAM } from '../support/course-world.js';
import { ACHIEVEMENT, annexICredential, annexIInput, AWARD_ID, ISSUER } from './elm-fixtures.js';
import { ELM_SPEC, validateElm, type ShaclViolation } from './shacl.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Json;
const sample = (file: string) => readJson(path.join(ELM_SPEC, 'examples', file));

/** A violation without the shapes' generated blank-node names, to compare. */
function summary(violation: ShaclViolation): unknown {
  return {
    path: violation.path,
    constraint: violation.constraint,
    detail: violation.detail.map(summary),
  };
}

/**
 * The two violations the README of ../shared/spec/elm lists for an unsigned credential, both
 * filled in by sealing: no `cred:issued`, and an issuer without an eIDAS legal identifier.
 */
const PRE_SEALING = [
  { path: 'cred:issued', constraint: 'sh:MinCountConstraintComponent', detail: [] },
  {
    path: 'cred:issuer',
    constraint: 'sh:NodeConstraintComponent',
    detail: [
      {
        path: 'elm:eidasLegalIdentifier',
        constraint: 'sh:MinCountConstraintComponent',
        detail: [],
      },
    ],
  },
];

async function violations(document: unknown): Promise<unknown[]> {
  const found = await validateElm(document);
  return found.map(summary).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))); // by path
}

/** What sealing through EDC adds, as in the Commission's sealed sample. */
function sealed(document: Json): Json {
  const copy = structuredClone(document);
  copy.issued = copy.validFrom;
  copy.issuer.eIDASIdentifier = {
    id: 'urn:epass:legalIdentifier:seal',
    type: 'LegalIdentifier',
    notation: 'FR-0000',
    spatial: countryConcept('FR'),
  };
  return copy;
}

describe('the SHACL validation set-up, on the Commission’s own samples', () => {
  it('finds exactly the two pre-sealing violations in the unsigned Annex I sample', async () => {
    expect(await violations(sample('Sample-MC-Annex1-unsigned.jsonld'))).toEqual(PRE_SEALING);
  }, 30_000);

  it('finds none in what EDC made of it when sealing', async () => {
    expect(await violations(sample('Sample-MC-Annex1-signed.payload.json'))).toEqual([]);
  }, 30_000);
});

describe('the ELM export of a credential with every micro-credential element', () => {
  const document = buildElmCredential(annexIInput()) as Json;
  const claim = document.credentialSubject.hasClaim;
  const qualification = claim.specifiedBy;
  const assessment = claim.provenBy;

  it('conforms to EDC-generic-no-cv + EDC-generic-full apart from what sealing adds', async () => {
    expect(await violations(document)).toEqual(PRE_SEALING);
  }, 30_000);

  it('conforms fully once the fields sealing adds are there', async () => {
    expect(await violations(sealed(document))).toEqual([]);
  }, 30_000);

  it('finds a violation when a vocabulary is not the EU one (EQF level of another scheme)', async () => {
    const wrong = structuredClone(document);
    wrong.credentialSubject.hasClaim.specifiedBy.eqfLevel.inScheme.id =
      'http://example.org/my-levels';
    const found = await validateElm(wrong);
    expect(found.map((violation) => [violation.path, violation.constraint])).toContainEqual([
      'elm:EQFLevel',
      'sh:NodeConstraintComponent',
    ]);
    expect(found).toHaveLength(PRE_SEALING.length + 1);
  }, 30_000);

  it('finds a violation when a mandatory element is missing (the grade)', async () => {
    const wrong = structuredClone(document);
    delete wrong.credentialSubject.hasClaim.provenBy.grade;
    expect(await violations(wrong)).toContainEqual({
      path: 'elm:grade',
      constraint: 'sh:MinCountConstraintComponent',
      detail: [],
    });
  }, 30_000);

  it('is an unsigned EDC credential in the VC 1.1 form of the sample', () => {
    expect(document).toMatchObject({
      '@context': [
        'https://www.w3.org/2018/credentials/v1',
        'http://data.europa.eu/snb/model/context/edc-ap',
      ],
      id: `urn:credential:${AWARD_ID}`,
      type: ['VerifiableCredential', 'EuropeanDigitalCredential'],
      credentialProfiles: { id: 'http://data.europa.eu/snb/credential/e34929035b' },
      credentialSchema: {
        id: 'http://data.europa.eu/snb/model/ap/edc-generic-full',
        type: 'ShaclValidator2017',
      },
      validFrom: '2026-11-28T10:00:05Z',
      identifier: { notation: `urn:uuid:${AWARD_ID}` },
    });
    for (const sealing of ['issued', 'issuanceDate', 'proof', 'credentialStatus', 'evidence']) {
      expect(document).not.toHaveProperty(sealing);
    }
  });

  it('names the learner by pseudonym, LTI user id, name and the given e-mail', () => {
    const credential = annexICredential() as Json;
    expect(document.credentialSubject).toMatchObject({
      id: credential.credentialSubject.id,
      type: 'Person',
      identifier: {
        schemeName: 'LTI 1.3 user id (sub)',
        schemeId: 'https://lms.uni.example',
        notation: 'learner-42',
      },
      fullName: { en: 'Marie Curie' },
      contactPoint: { emailAddress: { id: 'mailto:marie@example.org' } },
    });
  });

  it('leaves the name out when the issuer profile does not publish names, and the e-mail when not given', () => {
    const input: ElmExportInput = {
      ...annexIInput(),
      issuer: { ...ISSUER, publishRecipientName: false },
      learner: { name: 'Marie Curie', email: null },
    };
    const subject = (buildElmCredential(input) as Json).credentialSubject;
    expect(subject).not.toHaveProperty('fullName');
    expect(subject).not.toHaveProperty('contactPoint');
    expect(JSON.stringify(subject)).not.toContain('Marie');
  });

  it('gives the awarding body its legal name, country, region, address and identifiers', () => {
    const organisation = document.issuer;
    expect(claim.awardedBy.awardingBody).toEqual(organisation);
    expect(assessment.assessedBy).toEqual(organisation);
    expect(organisation).toMatchObject({
      id: 'did:web:microcred.example:issuers:uni-exemple',
      type: 'Organisation',
      legalName: { en: 'Université Exemple' },
      location: {
        address: {
          countryCode: {
            id: 'http://publications.europa.eu/resource/authority/country/FRA',
            inScheme: { id: 'http://publications.europa.eu/resource/authority/country' },
            prefLabel: { en: 'France' },
          },
          fullAddress: {
            noteLiteral: { en: '1 rue de l’Exemple, 75005 Paris, Île-de-France, France' },
          },
        },
        geographicName: { en: 'Île-de-France' },
      },
      identifier: [
        { schemeName: 'ErasmusCode', notation: 'F PARIS001' },
        { schemeName: 'PIC', notation: '999876543' },
      ],
      homepage: { contentURL: 'https://uni.example' },
      contactPoint: { emailAddress: { id: 'mailto:credentials@uni.example' } },
      groupMemberOf: { id: 'https://una-europa.example', prefLabel: { en: 'Una Europa' } },
    });
    expect(claim.awardedBy.awardingDate).toBe('2026-11-28T10:00:05Z');
  });

  it('carries title, description and criteria in every language of the achievement', () => {
    expect(claim.title).toEqual({
      en: 'Circular economy in practice',
      de: 'Kreislaufwirtschaft in der Praxis',
      fr: 'Économie circulaire en pratique',
    });
    expect(qualification.title).toEqual(claim.title);
    expect(document.displayParameter.title).toEqual(claim.title);
    expect(Object.keys(claim.description)).toEqual(['en', 'de', 'fr']);
    expect(claim.awardedBy.description).toEqual({
      en: 'Score at least 80% in the final quiz.',
      de: 'Mindestens 80 % in der Abschlussprüfung.',
    });
    // Issued in German: the display's primary language; all three are listed.
    expect(document.displayParameter.primaryLanguage.id).toBe(
      'http://publications.europa.eu/resource/authority/language/DEU',
    );
    expect(document.displayParameter.language.map((language: Json) => language.id)).toEqual(
      ['ENG', 'DEU', 'FRA'].map(
        (code) => `http://publications.europa.eu/resource/authority/language/${code}`,
      ),
    );
    expect(document.displayParameter.individualDisplay.displayDetail.image).toMatchObject({
      contentType: { id: 'http://publications.europa.eu/resource/authority/file-type/PNG' },
    });
  });

  it('carries learning outcomes with their ESCO skills, workload, ECTS and EQF level', () => {
    expect(qualification.id).toBe(
      'https://microcred.example/achievements/6f1e2d3c-4b5a-4978-8d6c-5b4a39281706/versions/2',
    );
    expect(qualification.learningOutcome).toMatchObject([
      {
        type: 'LearningOutcome',
        title: {
          en: 'Maps the material flows of a product.',
          de: 'Erfasst die Materialflüsse eines Produkts.',
        },
        relatedESCOSkill: [
          {
            id: ESCO_SKILL,
            inScheme: { id: 'http://data.europa.eu/esco/concept-scheme/skills' },
          },
        ],
      },
      { title: { en: 'Proposes reuse and recycling loops.' } },
    ]);
    expect(qualification.learningOutcome[1]).not.toHaveProperty('relatedESCOSkill');
    const ects = {
      type: 'CreditPoint',
      framework: {
        id: 'http://data.europa.eu/snb/education-credit/6fcec5c5af',
        inScheme: { id: 'http://data.europa.eu/snb/education-credit/25831c2' },
        prefLabel: { en: 'European Credit Transfer System' },
      },
      point: '3',
    };
    expect(qualification.creditPoint).toMatchObject(ects);
    expect(claim.creditReceived).toMatchObject(ects);
    expect(qualification.volumeOfLearning).toBe('PT75H');
    expect(qualification.eqfLevel).toEqual({
      id: 'http://data.europa.eu/snb/eqf/6',
      type: 'Concept',
      inScheme: { id: 'http://data.europa.eu/snb/eqf/25831c2', type: 'ConceptScheme' },
      prefLabel: { en: 'Level 6' },
    });
    expect(qualification.thematicArea).toMatchObject({
      id: 'http://data.europa.eu/snb/isced-f/0712',
      inScheme: { id: 'http://data.europa.eu/snb/isced-f/25831c2' },
    });
  });

  it('carries assessment type, participation, supervision, grade and grading scheme', () => {
    expect(qualification.mode).toMatchObject({
      id: ONLINE,
      inScheme: { id: 'http://data.europa.eu/snb/learning-assessment/25831c2' },
      prefLabel: { en: 'Online' },
    });
    expect(assessment).toMatchObject({
      type: 'LearningAssessment',
      title: { en: 'Written examination' },
      grade: { type: 'Note', noteLiteral: { en: '90%' } },
      idVerification: {
        id: 'http://data.europa.eu/snb/supervision-verification/70be69aaf9',
        type: 'Concept',
        inScheme: { id: 'http://data.europa.eu/snb/supervision-verification/25831c2' },
        prefLabel: { en: 'Supervised with ID Verification' },
      },
      specifiedBy: {
        type: 'LearningAssessmentSpecification',
        description: { en: 'A proctored online examination of 90 minutes.' },
        dcType: {
          id: WRITTEN_EXAM,
          inScheme: { id: 'http://data.europa.eu/snb/assessment/25831c2' },
          prefLabel: { en: 'written examination' },
        },
        gradingScheme: {
          type: 'GradingScheme',
          description: { en: 'Percentage of points; 80% passes.' },
        },
      },
    });
  });

  it('carries prerequisites, quality assurance, stackability and further information', () => {
    expect(qualification.entryRequirement.noteLiteral).toEqual({
      en: 'A bachelor degree in engineering or economics.',
    });
    const notes = Object.fromEntries(
      qualification.additionalNote.map((note: Json) => [
        note.subject.prefLabel.en,
        note.noteLiteral.en,
      ]),
    );
    expect(notes).toEqual({
      'Type of quality assurance': 'Internal QA of the University, accredited by HCERES.',
      'Integration and stackability options':
        'Counts toward the Una Europa sustainability certificate.',
      'Further information': 'Offered each semester in English and German.',
    });
    expect(
      qualification.supplementaryDocument.map((document: Json) => [
        document.title.en,
        document.contentURL,
      ]),
    ).toEqual([
      ['Quality assurance', 'https://uni.example/quality'],
      ['Stacks into', 'https://una-europa.example/certificates/sustainability'],
      ['Further information', 'https://uni.example/courses/circular-economy'],
    ]);
  });

  it('uses the EU supervision concept of the sample for unsupervised learners without ID check', () => {
    const input = {
      ...annexIInput(),
      credential: annexICredential({ supervision: 'unsupervised-no-id' }),
    };
    const verification = (buildElmCredential(input) as Json).credentialSubject.hasClaim.provenBy
      .idVerification;
    expect(verification).toEqual({
      id: 'http://data.europa.eu/snb/supervision-verification/c598449d64',
      type: 'Concept',
      inScheme: {
        id: 'http://data.europa.eu/snb/supervision-verification/25831c2',
        type: 'ConceptScheme',
      },
      prefLabel: { en: 'Unsupervised without ID Verification' },
    });
  });

  it('is the same document for the same input', () => {
    expect(buildElmCredential(annexIInput())).toEqual(document);
  });
});

describe('the ELM export of a stack whose result is the average of its stacked credentials', () => {
  const seminar = {
    credentialId: '6a1f3c52-0d5e-4f4b-9f0e-2b7c1d3e4f50',
    url: 'https://microcred.example/credentials/6a1f3c52-0d5e-4f4b-9f0e-2b7c1d3e4f50',
    name: 'Sustainability seminar',
    issuerName: ISSUER.name,
    ects: 4,
    scoreScaled: 0.8,
    issuedAt: new Date('2026-10-01T10:00:00Z'),
  };
  const fieldTrip = {
    ...seminar,
    credentialId: '9c4e2a17-5b3d-4f8e-a1c2-7d6e5f4a3b21',
    url: 'https://microcred.example/credentials/9c4e2a17-5b3d-4f8e-a1c2-7d6e5f4a3b21',
    name: 'Field trip',
    ects: null,
    scoreScaled: 0.7,
  };
  const climateNow = {
    recognisedCredentialId: 'https://helsinki.example/credentials/42',
    issuerId: 'did:web:helsinki.example',
    issuerName: 'University of Helsinki',
    name: 'Climate.now',
    ects: 5,
  };
  /** The stack's Open Badges credential and its export. */
  const exportOf = (result: NonNullable<Parameters<typeof annexICredential>[0]>['result']) => {
    const credential = annexICredential({ result }) as Json;
    const document = buildElmCredential({ ...annexIInput(), credential }) as Json;
    return { credential, assessment: document.credentialSubject.hasClaim.provenBy, document };
  };

  it('says over which of the stacked credentials the average is, in the words of the Open Badge, and conforms', async () => {
    const { credential, assessment, document } = exportOf({
      scoreScaled: 0.8,
      resultKind: 'weighted-average',
      averageWeighting: 'ects',
      evidence: [seminar, climateNow],
    });
    const [described] = credential.credentialSubject.achievement.resultDescription as Json[];
    expect(described!.name).toBe(
      'ECTS-weighted average of the results of 1 of the 2 stacked credentials; credentials recognised from partners and credentials without a result are not in it',
    );
    expect(assessment).toMatchObject({
      description: { en: described!.name },
      grade: { type: 'Note', noteLiteral: { en: '80%' } },
    });
    expect(await violations(document)).toEqual(PRE_SEALING);
  }, 30_000);

  it('says the average counts each stacked credential equally when not all of them state ECTS', () => {
    const { assessment } = exportOf({
      scoreScaled: 0.75,
      resultKind: 'weighted-average',
      averageWeighting: 'equal',
      evidence: [seminar, fieldTrip],
    });
    expect(assessment.description).toEqual({
      en: 'Average of the results of the stacked credentials (each counts equally, since not all of them state ECTS)',
    });
  });

  it('adds no such words to a learner’s own score', () => {
    const { assessment } = exportOf(undefined);
    expect(assessment).not.toHaveProperty('description');
    expect(assessment.grade.noteLiteral).toEqual({ en: '90%' });
  });
});

describe('exports of other credentials', () => {
  it('a plain badge (no EU elements, no credits, no score) also conforms apart from sealing', async () => {
    const credential = annexICredential() as Json;
    const subject = credential.credentialSubject;
    delete subject.creditsEarned;
    delete subject.result;
    delete subject.achievement.creditsAvailable;
    delete subject.achievement.microCredential;
    const input: ElmExportInput = {
      credential,
      achievement: { ...ACHIEVEMENT, ects: null, eqfLevel: null, eu: {} },
      issuer: {
        ...ISSUER,
        address: null,
        identifiers: [],
        parentOrg: null,
        url: null,
        email: null,
      },
      learner: { name: null, email: null },
    };
    const document = buildElmCredential(input) as Json;
    const claim = document.credentialSubject.hasClaim;
    expect(claim).not.toHaveProperty('creditReceived');
    expect(claim.specifiedBy).not.toHaveProperty('creditPoint');
    expect(claim.specifiedBy).not.toHaveProperty('eqfLevel');
    expect(claim.provenBy.grade.noteLiteral).toEqual({ en: 'Pass' });
    expect(document.issuer.location.address.countryCode.id).toBe(
      'http://publications.europa.eu/resource/authority/country/FRA',
    );
    expect(await violations(document)).toEqual(PRE_SEALING);
  }, 30_000);

  it('is refused when the awarding body states no country', () => {
    const input = {
      ...annexIInput(),
      issuer: { ...ISSUER, countryCode: null, address: null },
    };
    expect(() => buildElmCredential(input)).toThrow(ElmIssuerCountryMissingError);
  });
});

describe('the ELM export of a self-study learner’s badge', () => {
  const notesOf = (qualification: Json) =>
    Object.fromEntries(
      (qualification.additionalNote as Json[]).map((note) => [
        note.subject.prefLabel.en,
        note.noteLiteral.en,
      ]),
    );

  it('carries every element but the credits, says why there are none, and conforms', async () => {
    const input = annexIInput();
    const document = buildElmCredential({
      ...input,
      achievement: {
        ...input.achievement,
        eu: {
          ...ACHIEVEMENT.eu!,
          qualityAssuranceType: 'http://data.europa.eu/snb/accreditation/820101cba6',
        },
      },
      credential: annexICredential({
        isSelfStudyBadge: true,
        supervision: 'unsupervised-no-id',
      }),
    }) as Json;
    const claim = document.credentialSubject.hasClaim;
    expect(claim.specifiedBy).not.toHaveProperty('creditPoint');
    expect(claim.specifiedBy.learningOutcome).toHaveLength(2);
    expect(claim.specifiedBy.mode.id).toBe(ONLINE);
    expect(claim.provenBy.specifiedBy.dcType.id).toBe(WRITTEN_EXAM);
    expect(claim.provenBy.idVerification).toMatchObject({
      id: 'http://data.europa.eu/snb/supervision-verification/c598449d64',
      inScheme: { id: 'http://data.europa.eu/snb/supervision-verification/25831c2' },
      prefLabel: { en: 'Unsupervised without ID Verification' },
    });
    expect(notesOf(claim.specifiedBy)).toMatchObject({
      Credits: 'No credits: self-study. Credits are awarded only through registered enrolment.',
      'Type of quality assurance': 'Internal QA of the University, accredited by HCERES.',
    });
    expect(
      (claim.specifiedBy.additionalNote as Json[]).find((note) =>
        note.id.endsWith(':quality-assurance-type'),
      )?.noteLiteral.en,
    ).toBe('Program Quality Assurance (http://data.europa.eu/snb/accreditation/820101cba6)');
    expect(await violations(document)).toEqual(PRE_SEALING);
  }, 30_000);

  it('states a supervision the teacher did not declare as not declared, as the credential does', async () => {
    const input = annexIInput();
    const document = buildElmCredential({
      ...input,
      achievement: {
        ...input.achievement,
        eu: { ...ACHIEVEMENT.eu!, supervision: undefined },
      },
      credential: annexICredential({ supervision: 'not-declared' }),
    }) as Json;
    const claim = document.credentialSubject.hasClaim;
    expect(claim.provenBy).not.toHaveProperty('idVerification');
    expect(notesOf(claim.specifiedBy)).toMatchObject({
      'Supervision and identity verification': 'Not declared by the awarding body.',
    });
    expect(await violations(document)).toEqual(PRE_SEALING);
  }, 30_000);

  it('writes the level the credential was issued with, not the one the achievement has now', () => {
    const input = annexIInput();
    const document = buildElmCredential({
      ...input,
      credential: annexICredential({ supervision: 'unsupervised-id' }),
    }) as Json;
    expect(document.credentialSubject.hasClaim.provenBy.idVerification.id).toBe(
      'http://data.europa.eu/snb/supervision-verification/df2880c5cb',
    );
  });
});

describe('the EU vocabularies the export writes', () => {
  const cvLabels = readJson(
    path.join(import.meta.dirname, '../../src/elm/vocabularies/cv-labels.json'),
  );

  it('maps every ISO country code it knows to a distinct concept of the EU country list', () => {
    const ids = KNOWN_COUNTRY_CODES.map((code) => countryConcept(code)?.id);
    expect(ids.every((id) => id !== undefined && id in cvLabels.country.concepts)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(KNOWN_COUNTRY_CODES.length).toBeGreaterThanOrEqual(249);
    expect(countryConcept('de')?.id).toBe(
      'http://publications.europa.eu/resource/authority/country/DEU',
    );
    expect(countryConcept('XK')?.prefLabel).toEqual({ en: 'Kosovo' });
    expect(countryConcept('QQ')).toBeUndefined();
  });

  it('has an EU concept and label for every assessment type and participation form we store', () => {
    for (const uri of Object.keys(ASSESSMENT_TYPES)) {
      expect(assessmentTypeConcept(uri)?.prefLabel?.en, uri).toBe(ASSESSMENT_TYPES[uri]);
    }
    for (const uri of Object.keys(PARTICIPATION_FORMS)) {
      expect(modeConcept(uri)?.inScheme.id, uri).toBe(
        'http://data.europa.eu/snb/learning-assessment/25831c2',
      );
    }
    for (const level of Object.keys(SUPERVISION_LEVELS) as SupervisionLevel[]) {
      expect(supervisionConcept(level)).toMatchObject({
        id: SUPERVISION_LEVELS[level].uri,
        inScheme: { id: 'http://data.europa.eu/snb/supervision-verification/25831c2' },
        prefLabel: { en: SUPERVISION_LEVELS[level].label },
      });
    }
  });

  it('writes languages and ISCED-F fields as the EU lists name them', () => {
    expect(languageConcept('pt-PT').id).toBe(
      'http://publications.europa.eu/resource/authority/language/POR',
    );
    expect(languageConcept('sv')).toMatchObject({
      notation: 'language',
      prefLabel: { en: 'Swedish' },
    });
    expect(languageConcept('xx').id).toBe(
      'http://publications.europa.eu/resource/authority/language/UND',
    );
    expect(iscedFConcept('0613')?.prefLabel?.en).toBe(
      'Software and applications development and analysis',
    );
    expect(iscedFConcept('Environmental protection technology')?.id).toBe(
      'http://data.europa.eu/snb/isced-f/0712',
    );
    expect(iscedFConcept('Sustainability')).toBeUndefined();
  });

  it('writes workloads as xsd:durations', () => {
    expect(hoursDuration(75)).toBe('PT75H');
    expect(hoursDuration(1.5)).toBe('PT1H30M');
    expect(hoursDuration(0.25)).toBe('PT15M');
  });
});
