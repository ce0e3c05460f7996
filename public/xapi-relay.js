/*
 * microcred xAPI relay, for content that makes its xAPI statements inside the page (H5P and the
 * like) and has no LRS client of its own. Include it in the page the tool launches, then:
 *
 *   const relay = await XapiRelay.fromLaunch(); // reads the launch parameters, fetches the token
 *   relay.send(statement);                       // rewrites the statement, POSTs it to the LRS
 *
 * It follows the launch contract of docs/content.md: the page receives `endpoint`, `fetch`,
 * `actor`, `registration` and `activityId` in its URL; the fetch URL is POSTed once for the
 * token; every statement must carry the launch actor and registration and be about the launch
 * activity or an activity under it. `send` therefore rewrites each statement:
 * - `actor` becomes the launch actor (content often sends an anonymous one);
 * - `context.registration` becomes the launch registration;
 * - the object id, and the ids of `context.contextActivities.parent` and `grouping`, are mapped
 *   onto the launch activity (`XapiRelay.mapActivityId`): an id already under the activity is
 *   kept, an H5P sub-content id (`…?subContentId=<id>`) becomes `<activityId>?subContentId=<id>`,
 *   and any other id (H5P's default is the page's own address) becomes the activity id.
 * Statements are sent one after the other, in the order given. Plain JavaScript, no library.
 */
(function (global) {
  'use strict';

  var LAUNCH_PARAMETERS = ['endpoint', 'fetch', 'actor', 'registration', 'activityId'];

  /** The launch parameters of `url`, or null when the page was not launched by the tool. */
  function readLaunch(url) {
    var query = new URL(url).searchParams;
    if (
      !LAUNCH_PARAMETERS.every(function (name) {
        return query.has(name);
      })
    ) {
      return null;
    }
    return {
      endpoint: query.get('endpoint'),
      fetch: query.get('fetch'),
      actor: JSON.parse(query.get('actor')),
      registration: query.get('registration'),
      activityId: query.get('activityId'),
    };
  }

  /** An activity id as the launch's token may write it (see the comment at the top). */
  function mapActivityId(id, activityId) {
    if (typeof id !== 'string') return activityId;
    if (id === activityId) return id;
    var next = id.charAt(activityId.length);
    if (id.indexOf(activityId) === 0 && (next === '/' || next === '?' || next === '#')) return id;
    var subContent = /[?&]subContentId=([^&#]+)/.exec(id);
    if (subContent) return activityId + '?subContentId=' + subContent[1];
    return activityId;
  }

  /** A copy of `statement` under the launch's actor, registration and activity. */
  function rewriteStatement(statement, launch) {
    var copy = JSON.parse(JSON.stringify(statement));
    copy.actor = launch.actor;
    if (!copy.object || !copy.object.objectType || copy.object.objectType === 'Activity') {
      copy.object = Object.assign({ objectType: 'Activity' }, copy.object, {
        id: mapActivityId(copy.object && copy.object.id, launch.activityId),
      });
    }
    copy.context = Object.assign({}, copy.context, { registration: launch.registration });
    var related = copy.context.contextActivities;
    if (related) {
      ['parent', 'grouping'].forEach(function (kind) {
        if (!related[kind]) return;
        related[kind] = [].concat(related[kind]).map(function (activity) {
          return Object.assign({}, activity, {
            id: mapActivityId(activity.id, launch.activityId),
          });
        });
      });
    }
    return copy;
  }

  class Relay {
    constructor(launch, authToken) {
      this.launch = launch;
      this.authToken = authToken;
      this.queue = Promise.resolve();
    }

    /**
     * Rewrites and sends one statement after those sent before. Resolves with the stored ids;
     * rejects with an Error naming the LRS's status when it refuses the statement.
     */
    send(statement) {
      const body = JSON.stringify(rewriteStatement(statement, this.launch));
      const sent = this.queue.then(async () => {
        const response = await fetch(new URL('statements', this.launch.endpoint).href, {
          method: 'POST',
          headers: {
            Authorization: `Basic ${this.authToken}`,
            'Content-Type': 'application/json',
            'X-Experience-API-Version': '1.0.3',
          },
          body,
        });
        if (!response.ok) throw new Error(`The LRS refused the statement: ${response.status}`);
        return response.json();
      });
      this.queue = sent.catch(() => undefined);
      return sent;
    }
  }

  /**
   * The relay of this page's launch: reads the launch parameters of `url` (this page's address
   * by default) and POSTs the fetch URL once for the token. Resolves with null when the page
   * was not launched by the tool; rejects when the fetch URL was used before or has expired.
   */
  function fromLaunch(url) {
    var launch = readLaunch(url || global.location.href);
    if (!launch) return Promise.resolve(null);
    return fetch(launch.fetch, { method: 'POST' })
      .then(function (response) {
        if (!response.ok)
          throw new Error('The launch token could not be fetched: ' + response.status);
        return response.json();
      })
      .then(function (answer) {
        return new Relay(launch, answer['auth-token']);
      });
  }

  global.XapiRelay = {
    fromLaunch: fromLaunch,
    readLaunch: readLaunch,
    rewriteStatement: rewriteStatement,
    mapActivityId: mapActivityId,
  };
})(window);
