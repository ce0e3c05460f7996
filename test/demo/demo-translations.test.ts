import { describe, expect, it } from 'vitest';
import { DEMO_ACTIVITIES } from '../../src/demo/demo-course.js';
import {
  activityNames,
  BASICS_TRANSLATIONS,
  localizedActivity,
  QUIZ_WORDS,
} from '../../src/demo/demo-translations.js';
import { LOCALES, type Locale } from '../../src/web/i18n.js';

const OTHER_LOCALES = (Object.keys(LOCALES) as Locale[]).filter((locale) => locale !== 'en');
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);

describe('the demo course in every language of the pages', () => {
  it.each(OTHER_LOCALES)(
    'translates every quiz into %s, every text of it, the answers kept',
    (locale) => {
      for (const english of DEMO_ACTIVITIES) {
        const translated = localizedActivity(english, locale);
        expect(translated.title).not.toBe(english.title);
        expect(translated.questions.map((question) => question.answer)).toEqual(
          english.questions.map((question) => question.answer),
        );
        translated.questions.forEach((question, index) => {
          const source = english.questions[index]!;
          expect(question.text, `${english.slug} question ${index + 1}`).not.toBe(source.text);
          expect(new Set(question.choices).size).toBe(source.choices.length);
          for (const choice of question.choices) expect(source.choices).not.toContain(choice);
        });
      }
    },
  );

  it('names each quiz in the eight other languages for the tool’s activity list', () => {
    for (const activity of DEMO_ACTIVITIES) {
      expect(Object.keys(activityNames(activity)).sort()).toEqual([...OTHER_LOCALES].sort());
    }
  });

  it('gives the quiz page its words in every language, with the same values to fill in', () => {
    expect(Object.keys(QUIZ_WORDS).sort()).toEqual(Object.keys(LOCALES).sort());
    const english = QUIZ_WORDS.en;
    for (const locale of OTHER_LOCALES) {
      const words = QUIZ_WORDS[locale];
      expect(Object.keys(words).sort()).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(words)) {
        expect(text, `${locale} ${key}`).not.toBe(english[key as keyof typeof english]);
        expect(placeholders(text).sort()).toEqual(
          placeholders(english[key as keyof typeof english]).sort(),
        );
      }
    }
  });

  it('translates the seeded achievement into the eight other languages', () => {
    expect(Object.keys(BASICS_TRANSLATIONS).sort()).toEqual([...OTHER_LOCALES].sort());
  });
});
