import type { RequestHandler } from 'express';

/**
 * A part of the app that is built only when a request first needs it: `load` runs, once, on the
 * first request whose path starts with one of `pathPrefixes`, and the handler it gives then
 * serves that request and every later one. Until then other requests pass by untouched. So a
 * surface few deployments use (and its libraries) costs neither start time nor memory until it
 * is used. Requests that arrive while it loads wait for the same load; a load that fails fails
 * those requests (to the error handlers) and is tried again by the next one.
 */
export function loadOnFirstRequest(
  pathPrefixes: readonly string[],
  load: () => Promise<RequestHandler>,
): RequestHandler {
  let loading: Promise<RequestHandler> | null = null;
  let loaded: RequestHandler | null = null;
  return (req, res, next) => {
    if (loaded) {
      loaded(req, res, next);
      return;
    }
    if (!pathPrefixes.some((prefix) => req.path.startsWith(prefix))) {
      next();
      return;
    }
    loading ??= load();
    loading.then(
      (handler) => {
        loaded = handler;
        handler(req, res, next);
      },
      (error: unknown) => {
        loading = null;
        next(error);
      },
    );
  };
}
