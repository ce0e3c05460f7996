import path from 'node:path';
import { Eta } from 'eta';
import { projectRoot } from '../config/project-root.js';

export type RenderView = (name: string, data: Record<string, unknown>) => string;

/** Renders templates from `views/`; every `<%= %>` output is HTML-escaped. */
export function createViewRenderer(): RenderView {
  const eta = new Eta({ views: path.join(projectRoot, 'views'), autoEscape: true, cache: true });
  return (name, data) => eta.render(name, data);
}
