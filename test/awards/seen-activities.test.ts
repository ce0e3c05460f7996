/**
 * Issue #22, item 5: the activities a course has seen, grouped as the LMS sees them (pure part).
 * The statements are shaped as Moodle's logstore_xapi 5 sends them: an attempt's
 * `contextActivities.parent` is [quiz, section, course], a question's [attempt, quiz, section,
 * course]; a quiz without completion tracking is never a statement's object.
 */
import { describe, expect, it } from 'vitest';
import { activityKind } from '../../src/awards/lms-activity-kinds.js';
import { groupSeenActivities } from '../../src/awards/seen-activities.js';

const MOODLE = 'https://moodle.example';
const QUIZ = `${MOODLE}/mod/quiz/view.php?id=15`;
const SECTION = `${MOODLE}/course/section.php?id=3`;
const COURSE = `${MOODLE}/course/view.php?id=2`;
const attempt = (n: number) => `${MOODLE}/mod/quiz/attempt.php?attempt=${n}&cmid=15`;
const QUESTION = `${MOODLE}/question/question.php?cmid=15&id=7`;
const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 9, minute));

const seen = (
  activityId: string,
  options: { name?: string; fromLearners?: boolean; minute?: number } = {},
) => ({
  activityId,
  name: (options.name ? { en: options.name } : {}) as Record<string, string>,
  isFromLearners: options.fromLearners ?? true,
  lastSeenAt: at(options.minute ?? 0),
});
const parents = (activityId: string, ids: string[], names: Record<string, string> = {}) =>
  ids.map((parentId, index) => ({
    activityId,
    parentId,
    parentName: (names[parentId] ? { en: names[parentId] } : {}) as Record<string, string>,
    position: index + 1,
  }));

describe('activityKind (Moodle)', () => {
  it('tells course activities, containers and the rest apart', () => {
    expect(activityKind(QUIZ, MOODLE)).toBe('lmsActivity');
    expect(activityKind(`${MOODLE}/mod/assign/view.php?id=4`, MOODLE)).toBe('lmsActivity');
    expect(activityKind(COURSE, MOODLE)).toBe('lmsContainer');
    expect(activityKind(SECTION, MOODLE)).toBe('lmsContainer');
    expect(activityKind(`${MOODLE}/`, MOODLE)).toBe('lmsContainer');
    expect(activityKind(attempt(1), MOODLE)).toBe('other');
    expect(activityKind('https://content.example.org/quiz-1', MOODLE)).toBe('other');
  });
});

describe('groupSeenActivities', () => {
  const names = { [QUIZ]: 'Ecology quiz', [attempt(1)]: 'Ecology quiz Attempt 1' };

  it('lists a quiz known only as its attempts’ parent, with its attempts and questions under it', () => {
    const list = groupSeenActivities({
      activities: [
        seen(attempt(1), { name: 'Ecology quiz Attempt 1', minute: 1 }),
        seen(attempt(2), { name: 'Ecology quiz Attempt 2', minute: 2 }),
        seen(QUESTION, { name: 'Which gas …?', minute: 1 }),
        seen(COURSE, { name: 'Ecology 101' }),
        seen(MOODLE, { name: 'Moodle' }),
      ],
      parents: [
        ...parents(attempt(1), [QUIZ, SECTION, COURSE], names),
        ...parents(attempt(2), [QUIZ, SECTION, COURSE], names),
        ...parents(QUESTION, [attempt(1), QUIZ, SECTION, COURSE], names),
      ],
      inRules: new Set(),
      named: new Set(),
      lmsAddress: MOODLE,
    });
    expect(list.map((activity) => activity.activityId)).toEqual([QUIZ]);
    const [quiz] = list;
    expect(quiz).toMatchObject({
      definitionName: { en: 'Ecology quiz' },
      kind: 'lmsActivity',
      isFromLearners: true,
      isInStatements: true,
    });
    expect(quiz?.parts.map((part) => part.activityId)).toEqual([attempt(2), attempt(1), QUESTION]);
  });

  it('puts the LMS’s activities before other ones, and keeps every one (no cut-off)', () => {
    const content = Array.from({ length: 150 }, (_, index) =>
      seen(`https://content.example.org/a${String(index).padStart(3, '0')}`),
    );
    const list = groupSeenActivities({
      activities: [...content, seen(QUIZ, { name: 'Zoology quiz' })],
      parents: [],
      inRules: new Set(),
      named: new Set(),
      lmsAddress: MOODLE,
    });
    expect(list).toHaveLength(151);
    expect(list[0]?.activityId).toBe(QUIZ);
  });

  it('says when only teachers produced an activity’s statements', () => {
    const [quiz] = groupSeenActivities({
      activities: [seen(attempt(1), { fromLearners: false })],
      parents: parents(attempt(1), [QUIZ, SECTION, COURSE]),
      inRules: new Set(),
      named: new Set(),
      lmsAddress: MOODLE,
    });
    expect(quiz).toMatchObject({ activityId: QUIZ, isFromLearners: false, isInStatements: true });
  });

  it('lists what a rule names, even with no statement, and a container only then', () => {
    const list = groupSeenActivities({
      activities: [seen(COURSE)],
      parents: [],
      inRules: new Set([QUIZ, COURSE]),
      named: new Set([QUIZ]),
      lmsAddress: MOODLE,
    });
    expect(
      list.map((activity) => [activity.activityId, activity.isInStatements, activity.isNamed]),
    ).toEqual([
      [QUIZ, false, true],
      [COURSE, true, false],
    ]);
  });
});
