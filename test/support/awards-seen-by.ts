import type { Browser } from './http-client.js';

/** An award as the teacher's JSON API lists it (`GET /api/awards`). */
export interface CourseAwardJson {
  id: string;
  achievementId: string;
  achievementName: string;
  learner: string;
  form: 'micro-credential' | 'badge';
  evidence: {
    creditsEarned: number | null;
    supervisionAndIdentityVerification: string;
    statements: { statementId: string; activity: string; scaled: number | null }[];
    stackedCredentials: { achievementId: string; name: string; ects: number | null }[];
  };
  flags: string[];
}

/**
 * The course's awards as its teacher sees them at the tool, or only those of one achievement
 * to one learner (named as the API names them).
 */
export async function awardsSeenBy(
  tool: { readonly url: string },
  teacher: Browser,
  only?: { readonly achievementId: string; readonly learner: string },
): Promise<CourseAwardJson[]> {
  const { response } = await teacher.request(`${tool.url}/api/awards`);
  const { awards } = (await response.json()) as { awards: CourseAwardJson[] };
  return only === undefined
    ? awards
    : awards.filter(
        (award) => award.achievementId === only.achievementId && award.learner === only.learner,
      );
}
