import express, { type Response, type Router } from 'express';
import QRCode from 'qrcode';
import { findCertificateAward, type CertificateAward } from '../awards/certificate-award.js';
import { badgePng } from '../badges/badge-image.js';
import { parseIssuerDid } from '../badges/did-web.js';
import type { OpenBadgeCredential } from '../badges/open-badge-credential.js';
import type { Db } from '../db/database.js';
import { CredentialNotYoursError } from '../errors.js';
import { credentialElements, type ElementValue } from './credential-page.js';
import { requireSession, sessionOf } from './http/session-auth.js';
import { chooseLocale, type Locale, type Translate } from './i18n.js';
import type { RenderView } from './views.js';

/**
 * `GET /course/credentials/:id/certificate.pdf`: a credential's printable certificate (A4,
 * tagged PDF, badge-pdf in badges/certificate-pdf.ts) in the learner's language, for the learner
 * it was issued to and for teachers of its course; anyone else gets 403 CREDENTIAL_NOT_YOURS.
 * The learner's language is their page's; a teacher gets the language of the learner's latest
 * launch, else the teacher's own. It shows the badge, the title, the learner (by name, since
 * only they and their teachers get it), the awarding body and date, every EU element the
 * credential carries, and the verification page as a link and a QR code.
 */
export function createCertificateRouter(deps: {
  db: Db;
  publicUrl: string;
  render: RenderView;
}): Router {
  const { db, publicUrl, render } = deps;
  const router = express.Router();

  router.get('/course/credentials/:id/certificate.pdf', requireSession(db), async (req, res) => {
    const award = await findCertificateAward(db, String(req.params.id));
    const session = sessionOf(res);
    const isLearner = award.userId === session.userId;
    const isCourseTeacher = session.role === 'teacher' && award.courseId === session.courseId;
    if (!isLearner && !isCourseTeacher) {
      throw new CredentialNotYoursError(
        'This certificate belongs to another learner; only they and the teachers of its course may download it.',
      );
    }
    const locale = isLearner ? render.translate(res).locale : learnerLocaleOf(award, res, render);
    // pdfkit and its fonts load with the first certificate, not with the tool.
    const { buildCertificatePdf } = await import('../badges/certificate-pdf.js');
    const pdf = await buildCertificatePdf(
      await certificateContent(award, { locale, t: render.translator(locale), publicUrl }),
    );
    const credential = award.credential as unknown as OpenBadgeCredential;
    const fileName = `${credential.name.replace(/[^\p{L}\p{N}]+/gu, '-')}-${award.id.slice(0, 8)}`;
    res
      .set('Cache-Control', 'private, no-store')
      .attachment(`${fileName}.pdf`)
      .type('application/pdf')
      .send(pdf);
  });

  return router;
}

function learnerLocaleOf(award: CertificateAward, res: Response, render: RenderView): Locale {
  return award.learnerLocale
    ? chooseLocale({ launch: award.learnerLocale })
    : render.translate(res).locale;
}

async function certificateContent(
  award: CertificateAward,
  context: { locale: Locale; t: Translate; publicUrl: string },
) {
  const { locale, t, publicUrl } = context;
  const credential = award.credential as unknown as OpenBadgeCredential;
  const achievement = credential.credentialSubject.achievement;
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
  const regions = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
  const profileId = parseIssuerDid(publicUrl, credential.issuer.id);
  const learner =
    award.learnerName ??
    credential.credentialSubject.identifier.find(
      (identity) => identity.identityType === 'name' && !identity.hashed,
    )?.identityHash ??
    t('public:value.learnerNotPublished');
  const verificationUrl = `${publicUrl}/credentials/${award.id}/verification`;
  const valueText = (value: ElementValue): string => {
    if ('date' in value) return dates.format(new Date(value.date));
    if ('countryCode' in value) return regions.of(value.countryCode) ?? value.countryCode;
    if ('key' in value) return t(value.key, value.values ?? {});
    return value.href && value.href !== value.text ? `${value.text} (${value.href})` : value.text;
  };
  const elements = credentialElements(credential, profileId ? `/issuers/${profileId}` : null).map(
    (element) => ({
      label: t(`public:element.${element.id}`),
      values:
        element.id === 'learner'
          ? [learner]
          : element.values.length === 0
            ? [t('public:credential.notStated')]
            : element.values.map(valueText),
    }),
  );
  const validUntil = (credential as { validUntil?: string }).validUntil;
  elements.push({
    label: t('public:element.validity'),
    values: [
      validUntil
        ? t('public:credential.validFromUntil', {
            from: dates.format(new Date(credential.validFrom)),
            until: dates.format(new Date(validUntil)),
          })
        : t('public:credential.validFrom', { from: dates.format(new Date(credential.validFrom)) }),
    ],
  });
  return {
    language: locale,
    labels: {
      kind: t('public:certificate.kind'),
      awardedTo: t('public:certificate.awardedTo'),
      awardedBy: t('public:certificate.awardedBy', {
        issuer: credential.issuer.name,
        date: dates.format(new Date(credential.validFrom)),
      }),
      elementsHeading: t('public:credential.elementsHeading'),
      verifyHeading: t('public:certificate.verifyHeading'),
      verifyText: t('public:certificate.verifyText'),
      badgeAlt: t('public:badgeImage.alt', { name: achievement.name }),
      qrAlt: t('public:certificate.qrAlt', { url: verificationUrl }),
    },
    title: achievement.name,
    titleLanguage: achievement.inLanguage ?? locale,
    learner,
    elements,
    badgePng: badgePng({
      id: achievement.id,
      name: achievement.name,
      image: achievement.image?.id ?? null,
    }),
    qrPng: await QRCode.toBuffer(verificationUrl, {
      type: 'png',
      margin: 1,
      width: 300,
      errorCorrectionLevel: 'M',
    }),
    verificationUrl,
  };
}
