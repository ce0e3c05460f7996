import { describe, expect, it } from 'vitest';
import { readElements } from '../../src/badges/eu-elements.js';
import { chooseLanguage } from '../../src/badges/issue-credential.js';

const ACHIEVEMENT = {
  id: 'a',
  version: 1,
  name: 'Circular economy',
  description: 'Designs material loops.',
  criteria: 'Pass the quiz.',
  ects: 2,
  eqfLevel: 5,
  language: 'en',
};
const ELEMENTS = readElements({
  learningOutcomes: [{ text: 'Maps material flows.' }, { text: 'Proposes loops.' }],
  translations: {
    de: {
      name: 'Kreislaufwirtschaft',
      description: 'Entwirft Materialkreisläufe.',
      learningOutcomes: ['Erfasst Materialflüsse.'],
    },
  },
});

describe("chooseLanguage: the learner's language, else the achievement's", () => {
  it('takes the translation for the primary subtag of the learner locale', () => {
    expect(chooseLanguage(ACHIEVEMENT, ELEMENTS, 'de-AT')).toEqual({
      language: 'de',
      name: 'Kreislaufwirtschaft',
      description: 'Entwirft Materialkreisläufe.',
      criteria: 'Pass the quiz.',
      learningOutcomes: ['Erfasst Materialflüsse.', 'Proposes loops.'],
    });
  });

  it('falls back to the default language when there is no translation', () => {
    expect(chooseLanguage(ACHIEVEMENT, ELEMENTS, 'fr')).toMatchObject({
      language: 'en',
      name: 'Circular economy',
    });
  });

  it('uses the default language when the learner has none', () => {
    expect(chooseLanguage(ACHIEVEMENT, ELEMENTS, null).language).toBe('en');
  });
});
