import path from 'node:path';
import { parse as parseCookies } from 'cookie';
import { Eta } from 'eta';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { projectRoot } from '../config/project-root.js';
import type { Session } from '../lti/sessions.js';
import { adminNav, type AdminPage } from './admin/admin-nav.js';
import { teacherNav, type TeacherPage } from './teacher-nav.js';
import {
  chooseLocale,
  createTranslations,
  isLocale,
  LOCALES,
  type Locale,
  type Translate,
} from './i18n.js';

export const LOCALE_COOKIE = 'mc_lang';

/** Renders a page of `views/` for this response, in the language chosen for it. */
export type RenderView = ((
  res: Response,
  name: string,
  data?: Record<string, unknown>,
) => string) & {
  /** The language chosen for this response and its messages, for what is not a view (a CSV). */
  translate(res: Response): { locale: Locale; t: Translate };
  /** The messages of a given language, for what is written in another person's (a PDF). */
  translator(locale: Locale): Translate;
};

/** What every view gets beside its own data; see views/layout.eta. */
export interface PageContext {
  readonly locale: Locale;
  readonly t: (key: string, options?: Record<string, unknown>) => string;
  /** The language switcher: this page in every language. */
  readonly languages: readonly { code: Locale; name: string; href: string; isCurrent: boolean }[];
  /** The form token of the session (web/http/csrf.ts), when the request has one. */
  readonly csrfToken: string | null;
  readonly formatDate: (date: Date | string) => string;
  /** A moment to the second, in UTC (the zone is named): for logs and last-seen times. */
  readonly formatDateTime: (date: Date | string) => string;
  readonly formatNumber: (value: number) => string;
  /** A country's name from its ISO 3166-1 alpha-2 code; the code itself when unknown. */
  readonly formatCountry: (code: string) => string;
  /** The teacher's page tabs; the layout shows them when a view passes `teacherPage`. */
  readonly teacherNav: (current: TeacherPage) => ReturnType<typeof teacherNav>;
  /** The admin pages' tabs; the layout shows them when a view passes `adminPage`. */
  readonly adminNav: (current: AdminPage) => ReturnType<typeof adminNav>;
}

/**
 * Renders templates from `views/`; every `<%= %>` output is HTML-escaped. The language comes
 * from `chooseLocale` over the switcher's cookie (or `?lang=` on this request), the session's
 * launch locale and Accept-Language.
 */
export function createViewRenderer(options: {
  /** The request's form token (web/http/csrf.ts tokenOf), worked out only for a page. */
  csrfTokenOf: (req: Request) => string | null;
}): RenderView {
  const eta = new Eta({ views: path.join(projectRoot, 'views'), autoEscape: true, cache: true });
  const { translator } = createTranslations();
  const formats = Object.fromEntries(
    (Object.keys(LOCALES) as Locale[]).map((locale) => [locale, formatsOf(locale)]),
  ) as Record<Locale, ReturnType<typeof formatsOf>>;
  const translate = (res: Response) => {
    const locale = chooseLocale({
      chosen: (res.locals.chosenLocale as string | undefined) ?? cookieLocale(res.req),
      launch: (res.locals.session as Session | undefined)?.locale,
      acceptLanguage: res.req.get('accept-language'),
    });
    return { locale, t: translator(locale) };
  };
  const render = (res: Response, name: string, data: Record<string, unknown> = {}) => {
    const req = res.req;
    const { locale, t } = translate(res);
    const { dates, moments, numbers, regions } = formats[locale];
    const context: PageContext = {
      locale,
      t: (key, options) => t(key, options ?? {}),
      languages: (Object.keys(LOCALES) as Locale[]).map((code) => ({
        code,
        name: LOCALES[code],
        href: withLanguage(req, code),
        isCurrent: code === locale,
      })),
      csrfToken: options.csrfTokenOf(req),
      formatDate: (date) => dates.format(typeof date === 'string' ? new Date(date) : date),
      formatDateTime: (date) => moments.format(typeof date === 'string' ? new Date(date) : date),
      formatNumber: (value) => numbers.format(value),
      formatCountry: (code) => (/^[A-Z]{2}$/.test(code) ? (regions.of(code) ?? code) : code),
      teacherNav: (current) => teacherNav(context.t, current),
      adminNav: (current) => adminNav(context.t, current),
    };
    res.set('Content-Language', locale);
    return eta.render(name, { ...context, ...data });
  };
  return Object.assign(render, { translate, translator });
}

/**
 * The language switcher's links carry `?lang=`; this remembers the choice in a cookie (with the
 * session cookie's attributes, so it also works inside the LMS frame) for the following pages.
 */
export function rememberChosenLocale(cookieOptions: CookieOptions): RequestHandler {
  return (req, res, next) => {
    const chosen = req.query.lang;
    if (isLocale(chosen)) {
      res.locals.chosenLocale = chosen;
      res.cookie(LOCALE_COOKIE, chosen, { ...cookieOptions, maxAge: 365 * 24 * 3600 * 1000 });
    }
    next();
  };
}

function formatsOf(locale: Locale) {
  return {
    dates: new Intl.DateTimeFormat(locale, { dateStyle: 'long' }),
    moments: new Intl.DateTimeFormat(locale, {
      dateStyle: 'medium',
      timeStyle: 'long',
      timeZone: 'UTC',
    }),
    numbers: new Intl.NumberFormat(locale),
    regions: new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }),
  };
}

function cookieLocale(req: Request): string | undefined {
  return parseCookies(req.headers.cookie ?? '')[LOCALE_COOKIE];
}

/**
 * This page in another language. A page answering a form post (one with errors, a preview) has
 * no address of its own to load again: its switcher leads back to the page that held the form.
 */
function withLanguage(req: Request, locale: Locale): string {
  const url = new URL(pageAddress(req), 'http://localhost');
  url.searchParams.set('lang', locale);
  return `${url.pathname}${url.search}`;
}

function pageAddress(req: Request): string {
  if (req.method === 'GET' || req.method === 'HEAD') return req.originalUrl;
  const referer = req.get('referer');
  if (referer) {
    const from = new URL(referer, 'http://invalid');
    if (from.host === req.get('host')) return `${from.pathname}${from.search}`;
  }
  return '/course';
}
