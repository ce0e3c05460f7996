import type { Request, Response } from 'express';
import type { RenderView } from './views.js';

/**
 * Whether the browser loads this page inside a frame, as the LMS shows the tool (Fetch
 * Metadata: `Sec-Fetch-Dest: iframe`).
 */
export function isInFrame(req: Request): boolean {
  return req.get('Sec-Fetch-Dest') === 'iframe';
}

/**
 * The page shown in the LMS frame instead of the content: the content would replace the
 * course there with no way back, so it opens in a new window from a link that carries its
 * whole launch (the new window has no session of its own), and the frame keeps a link back
 * to the course. `href` is the launch URL, usable once.
 */
export function renderContentWindow(
  render: RenderView,
  res: Response,
  content: { title: string; href: string },
): string {
  res.set('Cache-Control', 'no-store');
  return render(res, 'content-window', content);
}
