/**
 * public/xapi-relay.js, the relay for page-only xAPI content (docs/content.md): its rewrite of
 * statements under the launch, run as the browser runs the file (a script that sets
 * `window.XapiRelay`). Sending is covered in Chromium by test/browser/h5p-package-launch.test.ts
 * and test/browser/xapi-relay-example.test.ts.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

interface Launch {
  endpoint: string;
  fetch: string;
  actor: unknown;
  registration: string;
  activityId: string;
}
interface XapiRelay {
  readLaunch(url: string): Launch | null;
  rewriteStatement(statement: unknown, launch: Launch): Record<string, unknown>;
  mapActivityId(id: unknown, activityId: string): string;
}

function loadRelay(): XapiRelay {
  const window: { XapiRelay?: XapiRelay } = {};
  runInNewContext(readFileSync('public/xapi-relay.js', 'utf8'), { window, URL });
  return window.XapiRelay!;
}

const ACTIVITY = 'https://tool.example/h5p/5d4b6b4e-7f0a-4a4e-9d57-1b0c6f1d2a33';
const ACTOR = {
  objectType: 'Agent',
  name: 'Tia',
  account: { homePage: 'https://lms.example', name: '42' },
};
const launch: Launch = {
  endpoint: 'https://tool.example/xapi/',
  fetch: 'https://tool.example/xapi/launch/fetch/abc',
  actor: ACTOR,
  registration: 'b1a3c1c2-3f5e-4c6e-8a7b-9d0e1f2a3b4c',
  activityId: ACTIVITY,
};

describe('public/xapi-relay.js', () => {
  const relay = loadRelay();

  it('reads the five launch parameters of the page address, or nothing when one is missing', () => {
    const url = new URL('https://content.example/page.html?lang=en');
    url.searchParams.set('endpoint', launch.endpoint);
    url.searchParams.set('fetch', launch.fetch);
    url.searchParams.set('actor', JSON.stringify(ACTOR));
    url.searchParams.set('registration', launch.registration);
    expect(relay.readLaunch(url.href)).toBeNull();
    url.searchParams.set('activityId', ACTIVITY);
    expect(relay.readLaunch(url.href)).toEqual(launch);
  });

  it('puts an H5P statement under the launch actor, registration and activity', () => {
    const fromH5p = {
      actor: { account: { name: 'not-trackable-1', homePage: 'null' }, objectType: 'Agent' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { id: 'https://content.example/content/h5p/x/player', objectType: 'Activity' },
      context: {
        contextActivities: {
          category: [{ id: 'http://h5p.org/libraries/H5P.TrueFalse-1.8', objectType: 'Activity' }],
        },
      },
      result: { success: true, score: { raw: 1, max: 1, min: 0, scaled: 1 } },
    };
    const rewritten = relay.rewriteStatement(fromH5p, launch);
    expect(rewritten).toEqual({
      ...fromH5p,
      actor: ACTOR,
      object: { id: ACTIVITY, objectType: 'Activity' },
      context: { ...fromH5p.context, registration: launch.registration },
    });
    expect(fromH5p.actor.account.name).toBe('not-trackable-1');
  });

  it('maps H5P sub-content under the activity, with its parent', () => {
    const rewritten = relay.rewriteStatement(
      {
        actor: {},
        verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
        object: { id: 'player.html?subContentId=9f1c', objectType: 'Activity' },
        context: { contextActivities: { parent: [{ id: 'player.html', objectType: 'Activity' }] } },
      },
      launch,
    ) as { object: { id: string }; context: { contextActivities: { parent: { id: string }[] } } };
    expect(rewritten.object.id).toBe(`${ACTIVITY}?subContentId=9f1c`);
    expect(rewritten.context.contextActivities.parent).toEqual([
      { id: ACTIVITY, objectType: 'Activity' },
    ]);
  });

  it('keeps ids already under the activity and leaves a statement about a statement alone', () => {
    expect(relay.mapActivityId(`${ACTIVITY}/part-2`, ACTIVITY)).toBe(`${ACTIVITY}/part-2`);
    expect(relay.mapActivityId(`${ACTIVITY}#q1`, ACTIVITY)).toBe(`${ACTIVITY}#q1`);
    expect(relay.mapActivityId(`${ACTIVITY}-other`, ACTIVITY)).toBe(ACTIVITY);
    const reference = { objectType: 'StatementRef', id: 'a7e3c1b2-0000-4000-8000-000000000001' };
    const rewritten = relay.rewriteStatement(
      { actor: {}, verb: { id: 'x:v' }, object: reference },
      launch,
    );
    expect(rewritten.object).toEqual(reference);
  });
});
