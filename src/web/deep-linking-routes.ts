import express, { type Response, type Router } from 'express';
import { findCourseAchievement, listAchievementNames } from '../awards/course-achievements.js';
import {
  achievementInputSchema,
  createAchievement,
  type Achievement,
} from '../awards/create-achievement.js';
import {
  numberOfField,
  percentFieldProblem,
  scaledOfPercentField,
} from '../awards/rules/rule-operator.js';
import { fieldErrorsOf, type FieldError } from './achievement-form.js';
import type { Db, Tx } from '../db/database.js';
import { NotFoundError } from '../errors.js';
import { achievementLineItemTag, CREATED_SCORE_MAXIMUM } from '../lti/ags/achievement-line-item.js';
import {
  findOpenDeepLinkingRequest,
  lockDeepLinkingRequest,
  type DeepLinkingRequest,
  recordDeepLinkingAnswer,
} from '../lti/deep-linking/deep-linking-requests.js';
import {
  RESPONSE_LIFETIME_SECONDS,
  signDeepLinkingResponse,
} from '../lti/deep-linking/sign-deep-linking-response.js';
import { findCoursePlatform } from '../lti/lms-users.js';
import type { ToolKeyring } from '../lti/tool-key.js';
import { requireSession, requireTeacher, sessionOf } from './http/session-auth.js';
import type { RenderView } from './views.js';

const UUID = /^[0-9a-f-]{36}$/i;
const REQUEST_GONE =
  'This request to add an activity has expired or was already answered. Start again from your LMS.';

/**
 * The teacher's side of LTI Deep Linking 2.0: after a deep linking launch, `GET /deep-link/:id`
 * lets the teacher pick an achievement of the course or define one; `POST` answers the
 * platform with an `ltiResourceLink` (with a line item) signed by the tool. The request id is
 * unguessable and bound to the teacher's session, so it also guards the form against CSRF.
 */
export function createDeepLinkingRouter(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
  keyring: ToolKeyring;
  /** Called after the form's new achievement was saved: its re-evaluation is queued. */
  kickOutbox: () => void;
}): Router {
  const { db, publicUrl, render, kickOutbox } = deps;
  const router = express.Router();
  const guard = [requireSession(db), requireTeacher];

  const findRequest = async (id: string, userId: string, courseId: string) => {
    const request = UUID.test(id)
      ? await findOpenDeepLinkingRequest(db, { id, userId, courseId })
      : undefined;
    if (!request) throw new NotFoundError(REQUEST_GONE);
    return request;
  };

  const pickerPage = async (
    res: Response,
    courseId: string,
    errors: PickerErrors | null,
    values: Record<string, string | undefined> = {},
  ) =>
    render(res, 'deep-link-picker', {
      errors,
      values,
      achievements: await listAchievementNames(db, courseId, 'creation'),
    });

  /** The signed answer linking `achievement`, with its gradebook column (a line item). */
  const signLink = async (tx: Tx, request: DeepLinkingRequest, achievement: Achievement) => {
    const platform = await findCoursePlatform(tx, request.courseId);
    if (!platform) throw new Error(`Course ${request.courseId} has no platform`);
    return signDeepLinkingResponse({
      toolKey: await deps.keyring.current(),
      clientId: platform.clientId,
      platformIssuer: platform.issuer,
      deploymentId: request.deploymentId,
      data: request.data,
      items: [
        {
          title: achievement.name,
          text: achievement.description,
          url: `${publicUrl}/lti/launch`,
          custom: { achievement_id: achievement.id },
          lineItem: {
            scoreMaximum: CREATED_SCORE_MAXIMUM,
            label: achievement.name,
            // How the line items service finds the activity's column (achievement-line-item.ts).
            tag: achievementLineItemTag(achievement.id),
            resourceId: achievement.id,
          },
        },
      ],
    });
  };

  router.get('/deep-link/:id', ...guard, async (req, res) => {
    const { userId, courseId } = sessionOf(res);
    await findRequest(String(req.params.id), userId, courseId);
    res.send(await pickerPage(res, courseId, null));
  });

  router.post(
    '/deep-link/:id',
    ...guard,
    express.urlencoded({ extended: false, limit: '64kb' }),
    async (req, res) => {
      const { userId, courseId } = sessionOf(res);
      const id = String(req.params.id);
      const form = req.body as Record<string, string | undefined>;
      const outcome = await db.transaction(async (tx) => {
        const request = UUID.test(id)
          ? await lockDeepLinkingRequest(tx, { id, userId, courseId })
          : undefined;
        if (!request) throw new NotFoundError(REQUEST_GONE);
        // The form sent again (a double click in the LMS's frame, where the page shown is the
        // last answer): the same answer while the LMS still takes it, so the LMS gets the link
        // once and nothing is made twice.
        if (request.answerJwt !== null && isCurrent(request.answeredAt)) {
          return {
            request,
            answer: { jwt: request.answerJwt, title: request.answerTitle ?? '' },
            isCreated: false,
          };
        }
        if (request.answeredAt !== null) throw new NotFoundError(REQUEST_GONE);
        const invalid = invalidFields(form);
        if (invalid) return { request, invalid };
        const { achievement, isCreated } = await chosenAchievement(tx, courseId, form);
        const jwt = await signLink(tx, request, achievement);
        const answer = { jwt, title: achievement.name };
        await recordDeepLinkingAnswer(tx, request.id, answer);
        return { request, answer, isCreated };
      });
      if ('invalid' in outcome) {
        res.status(422).send(await pickerPage(res, courseId, outcome.invalid ?? null, form));
        return;
      }
      if (outcome.isCreated) kickOutbox();
      res.send(
        render(res, 'deep-link-return', {
          returnUrl: outcome.request.returnUrl,
          jwt: outcome.answer.jwt,
          title: outcome.answer.title,
        }),
      );
    },
  );

  return router;
}

/** Whether an answer signed at `answeredAt` is still within its lifetime. */
function isCurrent(answeredAt: Date | null): boolean {
  return (
    answeredAt !== null && Date.now() - answeredAt.getTime() < RESPONSE_LIFETIME_SECONDS * 1000
  );
}

/** The achievement the teacher picked, or the one the form defines (then created). */
async function chosenAchievement(
  tx: Tx,
  courseId: string,
  form: Record<string, string | undefined>,
): Promise<{ achievement: Achievement; isCreated: boolean }> {
  if (form.achievement && form.achievement !== 'new') {
    const existing = UUID.test(form.achievement)
      ? await findCourseAchievement(tx, courseId, form.achievement)
      : undefined;
    if (!existing) throw new NotFoundError('Choose one of the achievements listed.');
    return { achievement: existing, isCreated: false };
  }
  const minimumScore = form.minimumScore?.trim()
    ? scaledOfPercentField(form.minimumScore.trim())
    : null;
  const achievement = await createAchievement(tx, courseId, {
    name: form.name ?? '',
    description: form.description ?? '',
    criteria: form.criteria ?? '',
    ects: form.ects ? Number(form.ects) : null,
    rule:
      minimumScore === null
        ? { passed: form.activity ?? '' }
        : { scoreAtLeast: { activity: form.activity ?? '', scaled: minimumScore } },
  });
  return { achievement, isCreated: true };
}

/** What is wrong in the form's new achievement, by field, as catalog keys. */
type PickerErrors = Record<string, FieldError>;

const PICKER_FIELDS = ['name', 'description', 'criteria', 'ects'];

/**
 * The fields of a new achievement that would be refused (the achievement form's messages), or
 * null when the teacher picked an existing one or the new one is complete.
 */
function invalidFields(form: Record<string, string | undefined>): PickerErrors | null {
  if (form.achievement && form.achievement !== 'new') return null;
  const errors: PickerErrors = {};
  const parsed = achievementInputSchema.safeParse({
    name: form.name ?? '',
    description: form.description ?? '',
    criteria: form.criteria ?? '',
    ects: form.ects ? Number(form.ects.replace(',', '.')) : null,
    rule: null,
  });
  if (!parsed.success) {
    Object.assign(
      errors,
      fieldErrorsOf(parsed.error.issues, (path) => {
        const field = String(path[0]);
        return PICKER_FIELDS.includes(field) ? field : 'name';
      }),
    );
  }
  if (!isAbsoluteIri(form.activity ?? '')) errors.activity = { key: 'errors.url' };
  const minimumScore = form.minimumScore?.trim() ?? '';
  const scoreProblem = percentFieldProblem(minimumScore);
  if (scoreProblem?.key === 'percentFraction') {
    errors.minimumScore = { key: 'errors.percentFraction', params: scoreProblem.params };
  } else if (
    minimumScore !== '' &&
    (scoreProblem || typeof numberOfField(minimumScore) !== 'number')
  ) {
    errors.minimumScore = { key: 'errors.percent' };
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

function isAbsoluteIri(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\S+$/i.test(text.trim());
}
