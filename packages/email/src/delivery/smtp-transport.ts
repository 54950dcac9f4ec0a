import nodemailer from 'nodemailer';

/** SMTP as configured: one URL (`smtp://user:pass@host:587`, `smtps://…` for implicit TLS). */
export type SmtpSettings = {
  url: string;
  /** Bounds connecting, greeting and every socket wait, so a dead server fails an attempt instead of hanging it. */
  timeoutMs: number;
};

export type OutgoingEmail = {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per outbox message, so a receiver can tell a re-sent copy from a new message. */
  messageId: string;
};

export type EmailTransport = {
  /** @returns the server's final reply to the message (e.g. `250 2.0.0 Ok: queued as …`) */
  send(email: OutgoingEmail): Promise<{ response: string }>;
  /** Connects and authenticates without sending: a readiness check. */
  verify(): Promise<void>;
  close(): void;
};

/** A pooled nodemailer SMTP transport: connections are reused across messages. */
export function createSmtpTransport(settings: SmtpSettings): EmailTransport {
  const transporter = nodemailer.createTransport({
    url: settings.url,
    pool: true,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  return {
    async send(email) {
      const info = await transporter.sendMail(email);
      return { response: String(info.response) };
    },
    async verify() {
      await transporter.verify();
    },
    close: () => transporter.close(),
  };
}

/**
 * True when retrying cannot help: the server answered with a permanent (5xx)
 * reply, such as an unknown mailbox or a refused sender. Connection failures,
 * timeouts and 4xx replies are worth another attempt.
 */
export function isPermanentSmtpError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
