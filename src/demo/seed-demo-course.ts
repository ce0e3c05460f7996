import { courses } from '../db/schema.js';
import type { Db } from '../db/database.js';
import { createAchievement } from '../awards/create-achievement.js';
import { upsertCourseActivity } from '../awards/course-activities.js';
import { updateIssuerProfile } from '../badges/issuer-profile.js';
import { registerPlatform } from '../lti/platform-registry.js';
import {
  DEMO_ACTIVITIES,
  DEMO_AWARDING_BODY,
  DEMO_COURSE,
  DEMO_PEOPLE,
  fullName,
  type DemoActivity,
} from './demo-course.js';
import type { DemoLms } from './demo-lms.js';
import { activityNames, BASICS_TRANSLATIONS } from './demo-translations.js';
import { LTI_ROLES } from './lms/lti-vocabulary.js';
import type { LmsUser } from './lms/roster.js';

export const DEMO_PLATFORM_NAME = 'Demo University LMS';

/**
 * Registers the demo LMS with the tool (registered students), and gives the tool the course as
 * if the teacher had set it up: the course, its quizzes as activities (the electives tagged with
 * their pillar, named in every language) and a first achievement, "Sustainability Basics", with
 * every element of a European micro-credential and its texts in every language, so that its
 * credentials show no element "not stated" and speak the learner's language. The LMS gets the
 * course roster. Runs once, on the fresh database of a demo.
 */
export async function seedDemoCourse({
  db,
  lms,
  activityUrl,
}: {
  db: Db;
  lms: DemoLms;
  activityUrl: (activity: DemoActivity) => string;
}): Promise<{ courseId: string }> {
  const platform = await registerPlatform(db, {
    ...lms.platformRegistration(),
    name: DEMO_PLATFORM_NAME,
    awardingBody: DEMO_AWARDING_BODY.name,
    trustLevel: 'registered',
  });
  // The EU elements "awarding body" and "country/region of the issuer" on every credential.
  const { name: _name, ...details } = DEMO_AWARDING_BODY;
  await updateIssuerProfile(db, platform.issuerProfileId, details);
  const [course] = await db
    .insert(courses)
    .values({
      platformId: platform.id,
      contextId: DEMO_COURSE.contextId,
      title: DEMO_COURSE.title,
    })
    .returning({ id: courses.id });
  if (!course) throw new Error('Insert returned no row');

  for (const activity of DEMO_ACTIVITIES) {
    await upsertCourseActivity(db, course.id, {
      activityId: activityUrl(activity),
      name: activity.title,
      names: activityNames(activity),
      launchUrl: activityUrl(activity),
      tags: activity.pillar === null ? {} : { pillar: activity.pillar },
    });
  }
  const [basics] = DEMO_ACTIVITIES;
  if (!basics) throw new Error('The demo course has no activities');
  await db.transaction((tx) =>
    createAchievement(tx, course.id, {
      name: 'Sustainability Basics',
      description: 'Explains the three pillars of sustainable development and how they interact.',
      criteria: `Pass the quiz "${basics.title}".`,
      ects: 1,
      eqfLevel: 5,
      language: 'en',
      eu: {
        learningOutcomes: [
          { text: 'Explain the environmental, economic and societal pillars of sustainability.' },
        ],
        workloadHours: 25,
        assessmentType: 'http://data.europa.eu/snb/assessment/6e6cb2cc78',
        assessmentDescription: 'An online multiple-choice quiz of three questions.',
        participationForm: 'http://data.europa.eu/snb/learning-assessment/920fbb3cbe',
        qualityAssuranceType: 'http://data.europa.eu/snb/accreditation/bb4618238e',
        qualityAssurance: 'Internal quality assurance of Demo University.',
        qualityAssuranceUrl: `${DEMO_AWARDING_BODY.url}/quality`,
        prerequisites: 'None: open to every student of the university.',
        supervision: 'unsupervised-no-id',
        gradingScheme: 'Share of right answers; 60 % passes.',
        stackability: {
          isStackable: true,
          description: 'Counts toward the Sustainability Practitioner micro-credential.',
        },
        furtherInformation: 'A demo course: sample content, nothing here is real.',
        furtherInformationUrl: `${DEMO_AWARDING_BODY.url}/courses/sustainability-101`,
        fieldOfStudy: 'Environmental sciences (ISCED-F 0521)',
        translations: BASICS_TRANSLATIONS,
      },
      rule: { passed: activityUrl(basics) },
      publish: true,
    }),
  );

  lms.addMembers(
    DEMO_COURSE.contextId,
    DEMO_PEOPLE.map((person) => ({
      user: demoUser(person),
      roles: [person.role === 'teacher' ? LTI_ROLES.instructor : LTI_ROLES.learner],
    })),
  );
  return { courseId: course.id };
}

/** A demo person as the LMS names them in launches and in its roster. */
export function demoUser(person: (typeof DEMO_PEOPLE)[number]): LmsUser {
  return {
    id: person.id,
    name: fullName(person),
    givenName: person.givenName,
    familyName: person.familyName,
    email: `${person.id}@demo-university.example`,
  };
}
