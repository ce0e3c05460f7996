import type { PageContext } from '../views.js';

/** The admin pages, in the order of their tabs; a new admin page is one more row. */
const ADMIN_PAGES = [
  { page: 'platforms', href: '/admin/platforms' },
  { page: 'awardingBodies', href: '/admin/awarding-bodies' },
  { page: 'partners', href: '/admin/partners' },
  { page: 'endorsements', href: '/admin/endorsements' },
  { page: 'externalLrs', href: '/admin/external-lrs' },
  { page: 'xapiCredentials', href: '/admin/xapi-credentials' },
] as const;
export type AdminPage = (typeof ADMIN_PAGES)[number]['page'];

/** The admin pages' tabs for the layout's `nav`, naming the current one. */
export function adminNav(t: PageContext['t'], current: AdminPage) {
  return {
    label: t('admin:nav.label'),
    items: ADMIN_PAGES.map(({ page, href }) => ({
      href,
      text: t(`admin:nav.${page}`),
      isCurrent: page === current,
    })),
  };
}
