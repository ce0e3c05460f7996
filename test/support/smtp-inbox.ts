import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server in the test process, keeping every message it accepts, parsed. */
export interface SmtpInbox {
  readonly port: number;
  /** The messages accepted so far, oldest first. */
  readonly messages: ParsedMail[];
  /** The messages to `address`. */
  to(address: string): ParsedMail[];
  /** Stops accepting connections (a mail server that is down); `start()` takes it up again. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Starts an SMTP server (smtp-server, from the authors of nodemailer) on 127.0.0.1 without
 * STARTTLS or authentication, as a relay on the same host is reached (`MICROCRED_SMTP_TLS=none`).
 * A message counts once its whole body is parsed, before the server answers 250 to the sender.
 */
export async function startSmtpInbox(): Promise<SmtpInbox> {
  const messages: ParsedMail[] = [];
  const create = () =>
    new SMTPServer({
      authOptional: true,
      // A stopped server waits this long for the sender's pooled connection to leave.
      closeTimeout: 500,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream, { keepCidLinks: true }).then(
          (mail) => {
            messages.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
  let server = create();
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server.listen(port, '127.0.0.1', () => {
        resolve((server.server.address() as AddressInfo).port);
      });
    });
  const port = await listen(0);
  return {
    port,
    messages,
    to: (address) =>
      messages.filter((mail) => mail.to && !Array.isArray(mail.to) && mail.to.text === address),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
    async start() {
      server = create();
      await listen(port);
    },
  };
}
