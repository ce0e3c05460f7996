import type { PageContext } from './views.js';

const TEACHER_PAGES = [
  { page: 'achievements', href: '/course' },
  { page: 'activities', href: '/course/activities' },
  { page: 'cmi5', href: '/course/cmi5' },
  { page: 'progress', href: '/course/progress' },
  { page: 'awards', href: '/course/awards' },
  { page: 'recognitions', href: '/course/recognitions/review' },
  { page: 'setup', href: '/course/setup' },
] as const;
export type TeacherPage = (typeof TEACHER_PAGES)[number]['page'];

/** The teacher's page tabs for the layout's `nav`, naming the current one. */
export function teacherNav(t: PageContext['t'], current: TeacherPage) {
  return TEACHER_PAGES.map(({ page, href }) => ({
    href,
    text: t(`common:nav.${page}`),
    isCurrent: page === current,
  }));
}
