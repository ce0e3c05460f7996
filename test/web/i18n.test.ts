import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/config/project-root.js';
import {
  DEFAULT_LOCALE,
  LOCALES,
  chooseLocale,
  createTranslations,
  loadCatalogs,
  type Locale,
} from '../../src/web/i18n.js';

const catalogs = loadCatalogs();
const locales = Object.keys(LOCALES) as Locale[];
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** Every leaf of a catalog as `namespace:dotted.key` → text. */
function leaves(locale: Locale): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (prefix: string, value: unknown) => {
    if (typeof value === 'string') {
      found.set(prefix, value);
      return;
    }
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      walk(prefix.endsWith(':') ? `${prefix}${key}` : `${prefix}.${key}`, child);
    }
  };
  for (const [namespace, catalog] of Object.entries(catalogs[locale]))
    walk(`${namespace}:`, catalog);
  return found;
}

/** The keys a locale must have: English's, with plural keys in that language's categories. */
function expectedKeys(locale: Locale): Set<string> {
  const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
  const keys = new Set<string>();
  for (const key of leaves(DEFAULT_LOCALE).keys()) {
    if (!PLURAL_SUFFIX.test(key)) {
      keys.add(key);
      continue;
    }
    const base = key.replace(PLURAL_SUFFIX, '');
    for (const category of categories) keys.add(`${base}_${category}`);
  }
  return keys;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('has a folder with the same namespaces for each of the nine languages', () => {
    const namespaces = Object.keys(catalogs[DEFAULT_LOCALE]).sort();
    expect(namespaces.length).toBeGreaterThan(0);
    for (const locale of locales) expect(Object.keys(catalogs[locale]).sort()).toEqual(namespaces);
  });

  it.each(locales.filter((locale) => locale !== DEFAULT_LOCALE))(
    'gives %s every key of English and no other, none empty',
    (locale) => {
      const actual = leaves(locale);
      const expected = expectedKeys(locale);
      expect(
        [...expected].filter((key) => !actual.has(key)),
        'missing',
      ).toEqual([]);
      expect(
        [...actual.keys()].filter((key) => !expected.has(key)),
        'unknown',
      ).toEqual([]);
      expect([...actual].filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([]);
    },
  );

  it.each(locales.filter((locale) => locale !== DEFAULT_LOCALE))(
    'keeps the {{placeholders}} of English in %s',
    (locale) => {
      const english = leaves(DEFAULT_LOCALE);
      const wrong = [...leaves(locale)]
        .filter(([key, text]) => {
          const source = english.get(key) ?? english.get(key.replace(PLURAL_SUFFIX, '_other'));
          return source !== undefined && placeholders(source).join() !== placeholders(text).join();
        })
        .map(([key]) => key);
      expect(wrong).toEqual([]);
    },
  );

  it('translates with the catalogs, falling back to English for nothing', () => {
    const { translator } = createTranslations(catalogs);
    expect(translator('de')('common:skipToContent')).not.toBe(
      translator('en')('common:skipToContent'),
    );
  });
});

describe('views', () => {
  const viewsDir = path.join(projectRoot, 'views');
  const views = readdirSync(viewsDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.eta'),
  );

  /** What a template prints that does not come from a template tag: its own words. */
  function literalText(template: string): string[] {
    const withoutTags = template
      .replace(/<%[\s\S]*?%>/g, ' ')
      .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, ' ');
    const attributes = [
      ...withoutTags.matchAll(/\b(?:aria-label|title|placeholder|alt)="([^"]*)"/g),
    ].map((m) => m[1] ?? '');
    const text = withoutTags.replace(/<[^>]*>/g, '\n').split('\n');
    return [...attributes, ...text]
      .map((part) => part.replace(/\bmicrocred\b/g, '').trim())
      .filter((part) => /\p{L}/u.test(part));
  }

  it.each(views)('%s has no words of its own: every text comes from the catalogs', (view) => {
    expect(literalText(readFileSync(path.join(viewsDir, view), 'utf8'))).toEqual([]);
  });
});

describe('chooseLocale', () => {
  it('takes the language chosen with the switcher first', () => {
    expect(chooseLocale({ chosen: 'fi', launch: 'de-DE', acceptLanguage: 'fr' })).toBe('fi');
  });

  it('takes the LMS launch locale, reduced to its language, before the browser', () => {
    expect(chooseLocale({ launch: 'pt-BR', acceptLanguage: 'sv' })).toBe('sv');
    expect(chooseLocale({ launch: 'nl_BE', acceptLanguage: 'sv' })).toBe('nl');
  });

  it('orders Accept-Language by weight and skips what it does not know', () => {
    expect(chooseLocale({ acceptLanguage: 'ja, pl;q=0.5, it;q=0.8' })).toBe('it');
    expect(chooseLocale({ acceptLanguage: 'es;q=0, de;q=0.1' })).toBe('de');
  });

  it('falls back to English', () => {
    expect(chooseLocale({ acceptLanguage: '*' })).toBe('en');
    expect(chooseLocale({})).toBe('en');
  });
});
