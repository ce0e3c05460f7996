// A minimal cmi5 assignable unit without libraries: the launch contract of docs/content.md.
(async function () {
  'use strict';
  const CMI5 = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
  const MASTERY_SCORE = 'https://w3id.org/xapi/cmi5/context/extensions/masteryscore';
  const MOVE_ON = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
  const status = document.getElementById('status');
  const quiz = document.getElementById('quiz');
  const exit = document.getElementById('exit');

  // 1. The five launch parameters (cmi5 section 8.1).
  const query = new URLSearchParams(window.location.search);
  const endpoint = query.get('endpoint').replace(/\/?$/, '/');
  const actor = JSON.parse(query.get('actor'));
  const registration = query.get('registration');
  const activityId = query.get('activityId');

  // 2. The one-time fetch URL gives the token (section 8.2): POST, once.
  const fetched = await fetch(query.get('fetch'), { method: 'POST' });
  const authToken = (await fetched.json())['auth-token'];
  const headers = {
    Authorization: 'Basic ' + authToken,
    'X-Experience-API-Version': '1.0.3',
    'Content-Type': 'application/json',
  };
  const lrs = (path, init) => fetch(endpoint + path, { ...init, headers });

  // 3. LMS.LaunchData (section 10) and the learner preferences (section 11; 404 when none).
  const stateQuery = new URLSearchParams({
    stateId: 'LMS.LaunchData',
    activityId,
    agent: JSON.stringify(actor),
    registration,
  });
  const launchData = await (await lrs('activities/state?' + stateQuery)).json();
  const profileQuery = new URLSearchParams({
    profileId: 'cmi5LearnerPreferences',
    agent: JSON.stringify(actor),
  });
  await lrs('agents/profile?' + profileQuery);

  const startedAt = Date.now();
  const duration = () => 'PT' + ((Date.now() - startedAt) / 1000).toFixed(2) + 'S';

  // 4. Every statement: the launch actor, the registration, the launch activityId as object,
  // and the LMS's contextTemplate (session id, publisher id) with the cmi5 category.
  async function send(verb, result, isMoveOn) {
    const context = JSON.parse(JSON.stringify(launchData.contextTemplate));
    context.registration = registration;
    context.contextActivities = context.contextActivities || {};
    context.contextActivities.category = [{ id: CMI5, objectType: 'Activity' }].concat(
      isMoveOn ? [{ id: MOVE_ON, objectType: 'Activity' }] : [],
    );
    // A scaled score judged against the mastery score names it (cmi5 section 9.6.3.2).
    if (result && result.score && launchData.masteryScore !== undefined) {
      context.extensions[MASTERY_SCORE] = launchData.masteryScore;
    }
    const response = await lrs('statements', {
      method: 'POST',
      body: JSON.stringify({
        id: crypto.randomUUID(),
        actor,
        verb: { id: 'http://adlnet.gov/expapi/verbs/' + verb, display: { 'en-US': verb } },
        object: { objectType: 'Activity', id: activityId },
        result,
        context,
        timestamp: new Date().toISOString(),
      }),
    });
    if (!response.ok) throw new Error(verb + ': ' + (await response.text()));
  }

  await send('initialized');
  const canRecord = launchData.launchMode === 'Normal';
  status.textContent = canRecord ? 'Answer the question.' : 'Browsing: nothing is recorded.';
  quiz.hidden = false;
  exit.hidden = false;

  quiz.addEventListener('submit', async function (event) {
    event.preventDefault();
    quiz.querySelector('button').disabled = true;
    const scaled = new FormData(quiz).get('answer') === 'co2' ? 1 : 0;
    if (canRecord) {
      const mastery = launchData.masteryScore ?? 1;
      const score = { scaled, raw: scaled, min: 0, max: 1 };
      if (scaled >= mastery) {
        await send('passed', { success: true, score, duration: duration() }, true);
      } else {
        await send('failed', { success: false, score, duration: duration() }, true);
      }
      await send('completed', { completion: true, duration: duration() }, true);
    }
    status.textContent = scaled === 1 ? 'Correct.' : 'Not quite.';
  });

  // 5. terminated is the last statement; then back to the tool (returnURL).
  exit.addEventListener('click', async function () {
    exit.disabled = true;
    await send('terminated', { duration: duration() });
    window.location.assign(launchData.returnURL);
  });
})().catch(function (error) {
  document.getElementById('status').textContent = 'The AU could not start: ' + error.message;
});
