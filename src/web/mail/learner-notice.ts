import path from 'node:path';
import { Eta } from 'eta';
import { findAwardNotice, type AwardNotice } from '../../awards/award-notice.js';
import { learnerNoticeJob, type LearnerNoticePayload } from '../../awards/award-jobs.js';
import { badgePng } from '../../badges/badge-image.js';
import type { OpenBadgeCredential } from '../../badges/open-badge-credential.js';
import type { Logger } from '../../config/logger.js';
import { projectRoot } from '../../config/project-root.js';
import type { Db } from '../../db/database.js';
import { handleJob, type JobHandler } from '../../jobs/job-registry.js';
import { chooseLocale, createTranslations, type Locale } from '../i18n.js';
import type { Mailer, MailMessage } from './smtp-mailer.js';

const BADGE_CID = 'badge@microcred';

/**
 * Runs the `learner-notice` jobs: the email that tells a learner a credential was awarded or
 * revoked. It does nothing when the tool sends no email (`mailer` null), the learner opted out
 * or has no address; a refusal of the SMTP server fails the job, which the queue retries, so an
 * award never waits for the mail.
 */
export function learnerNoticeJobHandler(deps: {
  db: Db;
  publicUrl: string;
  logger: Logger;
  mailer: Mailer | null;
}): JobHandler {
  const { db, publicUrl, logger, mailer } = deps;
  const compose = createLearnerNoticeComposer(publicUrl);
  return handleJob(learnerNoticeJob, async (payload) => {
    if (!mailer) return;
    const notice = await findAwardNotice(db, payload.awardId);
    if (!notice?.email || !notice.isEmailNotified) return;
    await mailer.send(compose({ ...notice, email: notice.email }, payload.event));
    logger.info('awards', 'learner notified by email', payload);
  });
}

/**
 * The email of an award or a revocation, in the learner's language: the locale of their latest
 * launch, else the language of the credential's texts (which the award chose for them), else
 * English. The badge image travels inline (PNG: email clients show no SVG); the links are the
 * credential's public page (only while public) and the LMS the learner's course page opens from.
 */
export function createLearnerNoticeComposer(publicUrl: string) {
  const eta = new Eta({ views: path.join(projectRoot, 'views'), autoEscape: true, cache: true });
  const { translator } = createTranslations();
  return (
    notice: AwardNotice & { email: string },
    event: LearnerNoticePayload['event'],
  ): MailMessage => {
    const credential = notice.credential as unknown as OpenBadgeCredential;
    const achievement = credential.credentialSubject.achievement;
    const locale: Locale = chooseLocale({ launch: notice.launchLocale ?? achievement.inLanguage });
    const t = translator(locale);
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(
      event === 'revoked' && notice.revokedAt ? notice.revokedAt : new Date(credential.validFrom),
    );
    const values = { achievement: achievement.name, issuer: credential.issuer.name, date };
    const lines = {
      subject: t(`mail:${event}.subject`, values),
      greeting: notice.learnerName
        ? t('mail:greeting', { name: notice.learnerName })
        : t('mail:greetingNoName'),
      body: t(`mail:${event}.body`, values),
      reason:
        event === 'revoked' && notice.revocationReason
          ? t('mail:revoked.reason', { reason: notice.revocationReason })
          : null,
      publicPage: notice.isPublic ? t('mail:publicPage') : t('mail:hidden'),
      publicUrl: notice.isPublic ? `${publicUrl}/credentials/${notice.awardId}` : null,
      coursePage: notice.courseTitle
        ? t('mail:coursePage', { course: notice.courseTitle })
        : t('mail:coursePageNoTitle'),
      lmsUrl: notice.lmsUrl,
      optOut: t('mail:optOut'),
    };
    const text = [
      lines.greeting,
      '',
      lines.body,
      ...(lines.reason ? [lines.reason] : []),
      '',
      lines.publicUrl ? `${lines.publicPage}\n${lines.publicUrl}` : lines.publicPage,
      '',
      `${lines.coursePage}\n${lines.lmsUrl}`,
      '',
      '-- ',
      lines.optOut,
      '',
    ].join('\n');
    const html = eta.render('mail/learner-notice', {
      locale,
      ...lines,
      image: { src: `cid:${BADGE_CID}`, alt: t('mail:imageAlt', values) },
    });
    return {
      to: notice.email,
      subject: lines.subject,
      language: locale,
      text,
      html,
      inlineImages: [
        {
          cid: BADGE_CID,
          fileName: 'badge.png',
          content: badgePng({
            id: achievement.id,
            name: achievement.name,
            image: achievement.image?.id ?? null,
          }),
        },
      ],
    };
  };
}
