/**
 * The demo LMS's own pages: the course page with its launch buttons, and the quiz pages that
 * microcred launches as xAPI content. Plain HTML with a stylesheet and scripts from
 * `src/demo/assets/`, so that a strict Content-Security-Policy holds.
 */
import { LOCALES, type Locale } from '../web/i18n.js';
import {
  DEMO_ACTIVITIES,
  DEMO_COURSE,
  DEMO_PASSING_SCORE,
  DEMO_PEOPLE,
  fullName,
  type DemoActivity,
} from './demo-course.js';
import { localizedActivity, QUIZ_WORDS } from './demo-translations.js';
import { escapeHtml } from './escape-html.js';

/** The course page of the demo LMS. `activityUrl` gives a quiz's page and activity IRI. */
export function renderDemoHome(activityUrl: (activity: DemoActivity) => string): string {
  const people = DEMO_PEOPLE.map((person) => {
    const label =
      person.role === 'teacher'
        ? `Launch as teacher (${fullName(person)})`
        : `Launch as ${fullName(person)}`;
    return `<li><button type="submit" name="person" value="${escapeHtml(person.id)}">${escapeHtml(label)}</button></li>`;
  }).join('\n          ');
  const locales = Object.entries(LOCALES)
    .map(([tag, name]) => `<option value="${tag}" lang="${tag}">${escapeHtml(name)}</option>`)
    .join('\n            ');
  const activities = DEMO_ACTIVITIES.map((activity) => {
    const url = activityUrl(activity);
    const pillar = activity.pillar ? ` (pillar: ${activity.pillar})` : ' (core)';
    return `<li>${escapeHtml(activity.title)}${pillar}: <code>${escapeHtml(url)}</code></li>`;
  }).join('\n        ');
  return page(
    `${DEMO_COURSE.title}: demo LMS`,
    `<main>
      <h1>${escapeHtml(DEMO_COURSE.title)} <span class="course-label">${escapeHtml(DEMO_COURSE.label)}</span></h1>
      <p>
        This page stands in for a course page of an LMS such as Moodle. Each button signs that
        person in to microcred with a real LTI 1.3 launch, as the LMS would.
      </p>
      <form method="post" action="launch" class="launch">
        <p>
          <label for="locale">Language of the launch</label>
          <select id="locale" name="locale">
            ${locales}
          </select>
        </p>
        <ul class="people">
          ${people}
        </ul>
      </form>
      <h2>Learning activities</h2>
      <p>
        Short quizzes that send xAPI statements to microcred when a learner opens them from
        microcred. Each address is both the page to launch and the quiz's xAPI activity id;
        learners need at least ${Math.round(DEMO_PASSING_SCORE * 100)}&nbsp;% of the answers
        right to pass.
      </p>
      <ul class="activities">
        ${activities}
      </ul>
    </main>`,
  );
}

/**
 * A quiz page in `locale`: one fieldset per question; quiz.js scores it, sends the statements
 * and says how it went in the words the form carries (`data-words`).
 */
export function renderQuiz(english: DemoActivity, locale: Locale): string {
  const activity = localizedActivity(english, locale);
  const words = QUIZ_WORDS[locale];
  const questions = activity.questions
    .map((question, index) => {
      const name = `q${index + 1}`;
      const choices = question.choices
        .map(
          (choice, choiceIndex) =>
            `<label><input type="radio" name="${name}" value="${choiceIndex}" required> ${escapeHtml(choice)}</label>`,
        )
        .join('\n          ');
      return `<fieldset data-answer="${question.answer}">
          <legend>${index + 1}. ${escapeHtml(question.text)}</legend>
          ${choices}
        </fieldset>`;
    })
    .join('\n        ');
  return page(
    `${activity.title}: demo quiz`,
    `<main lang="${locale}">
      <h1>${escapeHtml(activity.title)}</h1>
      <p id="launch-status" class="notice" hidden>${escapeHtml(words.notLaunched)}</p>
      <form class="quiz" data-title="${escapeHtml(activity.title)}" data-language="${locale}" data-passing-score="${DEMO_PASSING_SCORE}" data-words="${escapeHtml(JSON.stringify(words))}">
        ${questions}
        <button type="submit">${escapeHtml(words.submit)}</button>
      </form>
      <div id="quiz-result" role="status" aria-live="polite"></div>
    </main>
    <script src="../assets/quiz.js"></script>`,
    '../',
  );
}

function page(title: string, body: string, base = ''): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)}</title>
    <link rel="stylesheet" href="${base}assets/demo.css">
  </head>
  <body>
    <header class="demo-banner">
      <strong>Demo LMS</strong>: sample course and people for trying microcred out.
      Nothing here is real, and everything is gone when the demo stops.
      <a href="${base}">Back to the course page</a>
    </header>
    ${body}
  </body>
</html>
`;
}
