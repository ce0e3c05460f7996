// A demo quiz as xAPI content launched by microcred, following its cmi5-style launch
// (src/xapi/content-launch.ts): the query names `endpoint`, `fetch`, `actor`, `registration`
// and `activityId`; the page POSTs to `fetch` once for its credentials, then POSTs statements.
(function () {
  'use strict';

  const VERBS = {
    answered: 'http://adlnet.gov/expapi/verbs/answered',
    passed: 'http://adlnet.gov/expapi/verbs/passed',
    failed: 'http://adlnet.gov/expapi/verbs/failed',
    completed: 'http://adlnet.gov/expapi/verbs/completed',
  };

  const form = document.querySelector('form.quiz');
  // The page's words in its language (demo-translations.ts); `{name}` marks a value.
  const words = JSON.parse(form.dataset.words);
  const say = (text, values) => text.replace(/\{(\w+)\}/g, (_match, name) => String(values[name]));
  const language = form.dataset.language;
  const result = document.getElementById('quiz-result');
  const query = new URLSearchParams(window.location.search);
  const launch = readLaunch(query);
  let authToken;

  if (!launch) document.getElementById('launch-status').hidden = false;

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    const answers = score();
    const summary = say(words.summary, {
      correct: answers.correct,
      total: answers.total,
      percent: Math.round(answers.scaled * 100),
      verdict: answers.isPassed ? words.passed : words.notPassed,
    });
    if (!launch) {
      result.textContent = summary;
      button.disabled = false;
      return;
    }
    result.textContent = `${summary} ${words.sending}`;
    sendStatements(statementsFor(answers))
      .then(function () {
        result.textContent = `${summary} ${words.sent}`;
        const back = document.createElement('a');
        back.href = new URL('../course', launch.endpoint).href;
        back.textContent = words.back;
        result.append(' ', back);
      })
      .catch(function (error) {
        result.textContent = `${summary} ${say(words.failed, { error: error.message })}`;
        button.disabled = false;
      });
  });

  function readLaunch(params) {
    const names = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'];
    if (!names.every((name) => params.get(name))) return null;
    return {
      endpoint: params.get('endpoint'),
      fetchUrl: params.get('fetch'),
      actor: JSON.parse(params.get('actor')),
      registration: params.get('registration'),
      activityId: params.get('activityId'),
    };
  }

  function score() {
    const fieldsets = Array.from(form.querySelectorAll('fieldset'));
    const questions = fieldsets.map(function (fieldset, index) {
      const chosen = fieldset.querySelector('input:checked');
      return {
        number: index + 1,
        text: fieldset.querySelector('legend').textContent.trim(),
        response: chosen ? chosen.value : '',
        isRight: chosen !== null && chosen.value === fieldset.dataset.answer,
      };
    });
    const correct = questions.filter((question) => question.isRight).length;
    const scaled = correct / questions.length;
    return {
      questions,
      correct,
      total: questions.length,
      scaled,
      isPassed: scaled >= Number(form.dataset.passingScore),
    };
  }

  function statementsFor(answers) {
    const context = { registration: launch.registration };
    const quiz = {
      id: launch.activityId,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/assessment',
        name: { [language]: form.dataset.title },
      },
    };
    const answered = answers.questions.map(function (question) {
      return {
        actor: launch.actor,
        verb: { id: VERBS.answered, display: { en: 'answered' } },
        object: {
          id: `${launch.activityId}/questions/${question.number}`,
          definition: {
            type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
            interactionType: 'choice',
            name: { [language]: question.text },
          },
        },
        result: { success: question.isRight, response: question.response },
        context: { ...context, contextActivities: { parent: [{ id: launch.activityId }] } },
      };
    });
    const verdict = answers.isPassed ? 'passed' : 'failed';
    const scoreResult = {
      score: { scaled: answers.scaled, raw: answers.correct, min: 0, max: answers.total },
      success: answers.isPassed,
      completion: true,
    };
    return answered.concat([
      {
        actor: launch.actor,
        verb: { id: VERBS[verdict], display: { en: verdict } },
        object: quiz,
        result: scoreResult,
        context,
      },
      {
        actor: launch.actor,
        verb: { id: VERBS.completed, display: { en: 'completed' } },
        object: quiz,
        result: { completion: true },
        context,
      },
    ]);
  }

  async function sendStatements(statements) {
    authToken = authToken || (await fetchAuthToken());
    const response = await fetch(`${launch.endpoint}statements`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${authToken}`,
        'Content-Type': 'application/json',
        'X-Experience-API-Version': '1.0.3',
      },
      body: JSON.stringify(statements),
    });
    if (!response.ok) throw new Error(`the LRS answered ${response.status}`);
  }

  async function fetchAuthToken() {
    const response = await fetch(launch.fetchUrl, { method: 'POST' });
    if (!response.ok) throw new Error(`the fetch URL answered ${response.status}`);
    return (await response.json())['auth-token'];
  }
})();
