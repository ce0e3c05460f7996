import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { projectRoot } from '../config/project-root.js';

/** The languages of the pages, each with its name in itself for the language switcher. */
export const LOCALES = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  it: 'Italiano',
  es: 'Español',
  fi: 'Suomi',
  sv: 'Svenska',
  pl: 'Polski',
  nl: 'Nederlands',
} as const;
export type Locale = keyof typeof LOCALES;
export const DEFAULT_LOCALE: Locale = 'en';

export const LOCALES_DIR = path.join(projectRoot, 'locales');

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && Object.hasOwn(LOCALES, value);
}

/** Every catalog: `locales/<locale>/<namespace>.json`, one namespace per part of the pages. */
export type Catalogs = Record<Locale, Record<string, Record<string, unknown>>>;

export function loadCatalogs(dir: string = LOCALES_DIR): Catalogs {
  const catalogs = {} as Catalogs;
  for (const locale of Object.keys(LOCALES) as Locale[]) {
    const namespaces: Record<string, Record<string, unknown>> = {};
    for (const file of readdirSync(path.join(dir, locale))) {
      if (!file.endsWith('.json')) continue;
      namespaces[path.basename(file, '.json')] = JSON.parse(
        readFileSync(path.join(dir, locale, file), 'utf8'),
      ) as Record<string, unknown>;
    }
    catalogs[locale] = namespaces;
  }
  return catalogs;
}

export type Translate = TFunction;

/**
 * One i18next instance over the bundled catalogs. Interpolated values are not escaped here:
 * the views escape everything they print with `<%= %>`.
 */
export function createTranslations(catalogs: Catalogs = loadCatalogs()) {
  const instance = i18next.createInstance();
  void instance.init({
    resources: catalogs,
    supportedLngs: Object.keys(LOCALES),
    fallbackLng: DEFAULT_LOCALE,
    ns: Object.keys(catalogs[DEFAULT_LOCALE]),
    defaultNS: 'common',
    initAsync: false,
    returnNull: false,
    interpolation: { escapeValue: false },
  });
  return { translator: (locale: Locale): Translate => instance.getFixedT(locale) };
}

/**
 * The language of a page: the one the person chose with the switcher, else the one their LMS
 * launch asked for (`launch_presentation.locale`), else the browser's Accept-Language, else
 * English. Region subtags fall back to the language (`de-AT` → `de`).
 */
export function chooseLocale(preferences: {
  chosen?: string | undefined;
  launch?: string | null | undefined;
  acceptLanguage?: string | undefined;
}): Locale {
  const candidates = [
    preferences.chosen,
    preferences.launch,
    ...acceptedLanguages(preferences.acceptLanguage ?? ''),
  ];
  for (const candidate of candidates) {
    const locale = baseLanguage(candidate);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}

function baseLanguage(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const language = tag.trim().toLowerCase().split(/[-_]/)[0];
  return isLocale(language) ? language : null;
}

/** The language ranges of an Accept-Language header, most wanted first (RFC 9110 12.5.4). */
function acceptedLanguages(header: string): string[] {
  return header
    .split(',')
    .map((part, order) => {
      const [range = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { range: range.trim(), weight: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter(({ range, weight }) => range !== '' && range !== '*' && weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order)
    .map(({ range }) => range);
}
