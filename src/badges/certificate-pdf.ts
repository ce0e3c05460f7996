import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
const FONTS = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
};

/** Everything a certificate shows, already worded in its language. */
export interface CertificateContent {
  /** BCP 47 language of the labels (the document's /Lang). */
  readonly language: string;
  readonly labels: {
    readonly kind: string;
    readonly awardedTo: string;
    readonly awardedBy: string;
    readonly elementsHeading: string;
    readonly verifyHeading: string;
    readonly verifyText: string;
    readonly badgeAlt: string;
    readonly qrAlt: string;
  };
  readonly title: string;
  /** The language of the title and the credential's own texts, when it differs. */
  readonly titleLanguage: string;
  readonly learner: string;
  readonly elements: readonly { readonly label: string; readonly values: readonly string[] }[];
  readonly badgePng: Buffer;
  readonly qrPng: Buffer;
  readonly verificationUrl: string;
}

const MARGIN = 56;
const INK = '#1a1a1a';
const MUTED = '#4a4a4a';

/**
 * A credential's certificate as an A4 PDF, tagged for assistive technology (PDF 1.7 with a
 * structure tree: H1, P, Figure with alternative text, L/LI/Lbl/LBody, Link; MarkInfo Marked;
 * the document language; the title shown in the window; PDF/UA identification in its XMP
 * metadata) with embedded DejaVu Sans, so every European language prints. The decorative frame
 * is marked as an artifact. Resolves to the PDF's bytes.
 */
export function buildCertificatePdf(content: CertificateContent): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    pdfVersion: '1.7',
    tagged: true,
    lang: content.language,
    displayTitle: true,
    // @types/pdfkit lists only the PDF/A subsets; pdfkit 0.20 also writes PDF/UA's identification.
    subset: 'PDF/UA' as PDFKit.Mixins.PDFSubsets,
    info: { Title: `${content.labels.kind}: ${content.title}`, Subject: content.learner },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', FONTS.regular);
  doc.registerFont('bold', FONTS.bold);
  const width = doc.page.width - 2 * MARGIN;
  const { labels } = content;

  const frame = () => {
    doc.markContent('Artifact', { type: 'Layout' });
    doc
      .lineWidth(2)
      .strokeColor('#1d4e89')
      .rect(MARGIN / 2, MARGIN / 2, doc.page.width - MARGIN, doc.page.height - MARGIN)
      .stroke();
    doc.endMarkedContent();
  };
  frame();
  doc.on('pageAdded', frame);

  const root = doc.struct('Document');
  doc.addStructure(root);
  const badgeSide = 120;
  const top = doc.y;
  root.add(
    doc.struct('Figure', { alt: labels.badgeAlt }, () => {
      doc.image(content.badgePng, MARGIN + width - badgeSide, top, { width: badgeSide });
    }),
  );
  doc.x = MARGIN;
  doc.y = top;
  const beside = { width: width - badgeSide - 16 };
  root.add(
    doc.struct('P', {}, () => {
      doc.font('regular').fontSize(11).fillColor(MUTED).text(labels.kind.toUpperCase(), beside);
    }),
  );
  root.add(
    doc.struct('H1', { lang: content.titleLanguage }, () => {
      doc.moveDown(0.3).font('bold').fontSize(22).fillColor(INK).text(content.title, beside);
    }),
  );
  root.add(
    doc.struct('P', {}, () => {
      doc
        .moveDown(0.6)
        .font('regular')
        .fontSize(11)
        .fillColor(MUTED)
        .text(labels.awardedTo, beside);
      doc.font('bold').fontSize(16).fillColor(INK).text(content.learner, beside);
    }),
  );
  root.add(
    doc.struct('P', {}, () => {
      doc.moveDown(0.4).font('regular').fontSize(11).fillColor(INK).text(labels.awardedBy, beside);
    }),
  );
  doc.x = MARGIN;
  doc.y = Math.max(doc.y, top + badgeSide) + 18;

  root.add(
    doc.struct('H2', {}, () => {
      doc.font('bold').fontSize(13).fillColor(INK).text(labels.elementsHeading, { width });
    }),
  );
  doc.moveDown(0.3);
  const list = doc.struct('L');
  root.add(list);
  for (const element of content.elements) {
    const item = doc.struct('LI');
    list.add(item);
    item.add(
      doc.struct('Lbl', {}, () => {
        doc.moveDown(0.25).font('bold').fontSize(9.5).fillColor(INK).text(element.label, { width });
      }),
    );
    item.add(
      doc.struct('LBody', {}, () => {
        doc.font('regular').fontSize(9.5).fillColor(INK);
        for (const value of element.values) doc.text(value, { width });
      }),
    );
    item.end();
  }
  list.end();

  const qrSide = 84;
  if (doc.y + qrSide + 48 > doc.page.height - MARGIN) doc.addPage();
  doc.moveDown(1);
  root.add(
    doc.struct('H2', {}, () => {
      doc.font('bold').fontSize(13).fillColor(INK).text(labels.verifyHeading, { width });
    }),
  );
  const qrTop = doc.y + 6;
  root.add(
    doc.struct('Figure', { alt: labels.qrAlt }, () => {
      doc.image(content.qrPng, MARGIN, qrTop, { width: qrSide });
    }),
  );
  const textBeside = { width: width - qrSide - 16 };
  doc.x = MARGIN + qrSide + 16;
  doc.y = qrTop;
  root.add(
    doc.struct('P', {}, () => {
      doc.font('regular').fontSize(10).fillColor(INK).text(labels.verifyText, textBeside);
    }),
  );
  // The address on one line of its own, so it reads (and copies) whole.
  doc.x = MARGIN;
  doc.y = Math.max(doc.y, qrTop + qrSide) + 8;
  root.add(
    doc.struct('Link', {}, () => {
      doc.font('regular').fontSize(9).fillColor('#1d4e89').text(content.verificationUrl, {
        width,
        link: content.verificationUrl,
        underline: true,
      });
    }),
  );
  root.end();
  doc.end();
  return done;
}
