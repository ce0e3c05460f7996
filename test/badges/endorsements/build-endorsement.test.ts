import { describe, expect, it } from 'vitest';
import { buildEndorsement } from '../../../src/badges/endorsements/build-endorsement.js';
import { validateEndorsement } from '../../../src/badges/endorsements/validate-endorsement.js';

const INPUT = {
  endorsementId: '5a0c1f9e-8d5b-4b7a-9c1e-2f3a4b5c6d7e',
  publicUrl: 'https://badges.board.example',
  issuedAt: new Date('2026-11-02T10:11:12.345Z'),
  endorser: {
    did: 'did:web:badges.board.example:issuers:board',
    name: 'Alliance Quality Board',
    url: 'https://board.example',
  },
  subject: {
    id: 'https://badges.partner.example/achievements/7d0c7a4e-3a7e-4b53-9a3c-0c5b8f8f2d11/versions/1',
    name: 'Climate.now',
  },
  comment: '  Assessed to the alliance standard.  ',
  status: {
    statusListCredential: 'https://badges.board.example/status-lists/1',
    statusListIndex: 7,
  },
};

describe('buildEndorsement (OB 3.0 §B.1.5 EndorsementCredential)', () => {
  it('builds an endorsement the official EndorsementCredential schema accepts', () => {
    expect(validateEndorsement(buildEndorsement(INPUT))).toEqual({ valid: true, problems: [] });
  });

  it('publishes the endorsement at its id and names what it endorses with the comment', () => {
    expect(buildEndorsement(INPUT)).toMatchObject({
      id: 'https://badges.board.example/endorsements/5a0c1f9e-8d5b-4b7a-9c1e-2f3a4b5c6d7e',
      type: ['VerifiableCredential', 'EndorsementCredential'],
      validFrom: '2026-11-02T10:11:12Z',
      issuer: { id: INPUT.endorser.did, name: 'Alliance Quality Board' },
      credentialSubject: {
        id: INPUT.subject.id,
        type: ['EndorsementSubject'],
        endorsementComment: 'Assessed to the alliance standard.',
      },
      credentialStatus: { type: 'BitstringStatusListEntry', statusListIndex: '7' },
    });
  });

  it('refuses an endorsement id that is not a UUID', () => {
    expect(() => buildEndorsement({ ...INPUT, endorsementId: 'seven' })).toThrow(TypeError);
  });

  it('refuses an empty comment', () => {
    expect(() => buildEndorsement({ ...INPUT, comment: ' ' })).toThrow(TypeError);
  });
});
