import nodemailer from 'nodemailer';
import type { MailSettings } from '../../config/settings.js';

/** One email: plain text and HTML alternatives, with images the HTML shows by `cid:`. */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  /** BCP 47 language of the message (its Content-Language). */
  readonly language: string;
  readonly text: string;
  readonly html: string;
  readonly inlineImages: readonly { cid: string; fileName: string; content: Buffer }[];
}

export interface Mailer {
  /** Hands the message to the SMTP server; rejects when the server does not accept it. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * Sends through the configured SMTP server with nodemailer (pooled connections). `starttls`
 * refuses to send when the server does not offer STARTTLS, rather than fall back to plain text.
 */
export function createSmtpMailer(settings: MailSettings): Mailer {
  const transport = nodemailer.createTransport({
    pool: true,
    host: settings.host,
    port: settings.port,
    secure: settings.tls === 'tls',
    requireTLS: settings.tls === 'starttls',
    ignoreTLS: settings.tls === 'none',
    ...(settings.user !== undefined && settings.password !== undefined
      ? { auth: { user: settings.user, pass: settings.password } }
      : {}),
  });
  return {
    async send(message) {
      await transport.sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: { 'Content-Language': message.language },
        attachments: message.inlineImages.map((image) => ({
          cid: image.cid,
          filename: image.fileName,
          content: image.content,
          contentDisposition: 'inline',
        })),
      });
    },
    close() {
      transport.close();
    },
  };
}
