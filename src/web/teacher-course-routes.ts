import express, { type RequestHandler, type Router } from 'express';
import type { CredentialIssuer } from '../badges/issue-credential.js';
import type { PlatformServices } from '../lti/platform-services.js';
import type { Logger } from '../config/logger.js';
import type { Db } from '../db/database.js';
import { createAchievementCopyPages } from './achievement-copy-pages.js';
import { createAchievementTagPages } from './achievement-tag-pages.js';
import { createActivityPages } from './activity-pages.js';
import { createAwardByHandPages } from './award-by-hand-pages.js';
import { createAwardPages } from './award-pages.js';
import { createCmi5PackagePages } from './cmi5-package-pages.js';
import { createH5pPackagePages } from './h5p-package-pages.js';
import { createProgressPages } from './progress-pages.js';
import type { RenderView } from './views.js';

/**
 * The teacher's activities, progress and awards pages (and the learner's content launch):
 * see activity-pages.ts, achievement-tag-pages.ts, achievement-copy-pages.ts, cmi5-package-pages.ts,
 * h5p-package-pages.ts, progress-pages.ts, award-by-hand-pages.ts and award-pages.ts.
 */
export function createTeacherCourseRouter(deps: {
  db: Db;
  publicUrl: string;
  contentUrl: string | undefined;
  render: RenderView;
  issueCredential: CredentialIssuer;
  requireCsrfToken: RequestHandler;
  platformServices: PlatformServices;
  logger: Logger;
  kickOutbox: () => void;
}): Router {
  return express
    .Router()
    .use(
      createActivityPages(deps),
      createAchievementTagPages(deps),
      createAchievementCopyPages(deps),
      createCmi5PackagePages(deps),
      createH5pPackagePages(deps),
      createProgressPages(deps),
      createAwardByHandPages(deps),
      createAwardPages(deps),
    );
}
