// Content that makes its xAPI statements inside the page, hosted on its own server, reporting
// to microcred through the relay the tool serves at /static/xapi-relay.js (docs/content.md,
// section 6). The statements below are what such content makes on its own: an anonymous actor
// and its own page address as the activity id; the relay puts them under the launch.
const status = document.getElementById('status');
const quiz = document.getElementById('quiz');

/** Loads the relay from the tool that launched this page: the `endpoint` parameter names it. */
function loadRelayScript() {
  const endpoint = new URLSearchParams(window.location.search).get('endpoint');
  if (!endpoint) return Promise.reject(new Error('not launched'));
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = new URL('/static/xapi-relay.js', endpoint).href;
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  });
}

loadRelayScript()
  .then(() => window.XapiRelay.fromLaunch())
  .then((relay) => {
    quiz.hidden = false;
    status.textContent = 'Answer the question.';
    quiz.addEventListener('submit', async (event) => {
      event.preventDefault();
      const isCorrect = new FormData(quiz).get('answer') === 'o2';
      await relay.send({
        actor: { objectType: 'Agent', mbox: 'mailto:anonymous@example.org' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { en: 'answered' } },
        object: { objectType: 'Activity', id: window.location.href.split('?')[0] },
        result: { success: isCorrect, completion: true, score: { scaled: isCorrect ? 1 : 0 } },
      });
      status.textContent = isCorrect ? 'Correct.' : 'Not quite.';
    });
  })
  .catch(() => {
    status.textContent = 'Open this page from the course: it was not launched by microcred.';
  });
