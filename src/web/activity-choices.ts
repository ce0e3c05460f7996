import { listCourseActivities } from '../awards/course-activities.js';
import { listSeenActivities, type LanguageMap } from '../awards/seen-activities.js';
import type { Db } from '../db/database.js';
import { LOCALES, type Locale } from './i18n.js';

/** An activity a teacher can name in a rule, as the rule form's list offers it. */
export interface ActivityChoice {
  readonly iri: string;
  /** The name where there is none in the reader's language; null: show the IRI. */
  readonly name: string | null;
  readonly names: Readonly<Partial<Record<Locale, string>>>;
}

/**
 * The activities to choose from: those the teacher described, with their names; then the
 * activities seen in the course that are not described (the LMS's own first, each followed by
 * its attempts and questions, named "Quiz › Attempt 1"), with the names their statements give.
 */
export async function activityChoices(db: Db, courseId: string): Promise<ActivityChoice[]> {
  const [described, seen] = await Promise.all([
    listCourseActivities(db, courseId),
    listSeenActivities(db, courseId),
  ]);
  const known = new Set(described.map((activity) => activity.activityId));
  const choices: ActivityChoice[] = described.map((activity) => ({
    iri: activity.activityId,
    name: activity.name === activity.activityId ? null : activity.name,
    names: activity.names,
  }));
  for (const activity of seen) {
    const parent = localizedNames(activity.definitionName);
    if (!known.has(activity.activityId)) choices.push({ iri: activity.activityId, ...parent });
    for (const part of activity.parts) {
      if (known.has(part.activityId)) continue;
      const own = localizedNames(part.definitionName);
      const parentName = (locale: Locale) => parent.names[locale] ?? parent.name;
      choices.push({
        iri: part.activityId,
        name: own.name && parent.name ? `${parent.name} › ${own.name}` : own.name,
        names: Object.fromEntries(
          Object.entries(own.names).map(([locale, name]) => {
            const above = parentName(locale as Locale);
            return [locale, above ? `${above} › ${name}` : name];
          }),
        ),
      });
    }
  }
  return choices;
}

/**
 * A statement's language map (xAPI Data 4.2.2, RFC 5646 tags) in the page languages: per
 * language, its own entry or one of a regional variant (`de-AT` for `de`); `name` is the
 * English one, or else the first.
 */
export function localizedNames(map: LanguageMap): {
  name: string | null;
  names: Partial<Record<Locale, string>>;
} {
  const entries = Object.entries(map);
  const names: Partial<Record<Locale, string>> = {};
  for (const locale of Object.keys(LOCALES) as Locale[]) {
    const match =
      entries.find(([tag]) => tag.toLowerCase() === locale) ??
      entries.find(([tag]) => tag.toLowerCase().startsWith(`${locale}-`));
    if (match) names[locale] = match[1];
  }
  return { name: names.en ?? entries[0]?.[1] ?? null, names };
}
