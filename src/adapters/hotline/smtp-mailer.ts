import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer, MailMessage } from '../../services/hotline/mailer.js';

export interface SmtpConfig {
  host: string;
  port: number;
  /** The desk's sender address, e.g. "Hotline <hotline@example.org>". */
  from: string;
  secure?: boolean;
  user?: string;
  password?: string;
  /** Refuse to send in clear text over a network when false (default true: STARTTLS required unless loopback). */
  requireTls?: boolean;
}

/** SMTP through nodemailer (well kept, RFC-complete MIME and STARTTLS); one pooled transport per desk. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(private readonly cfg: SmtpConfig) {
    const loopback = /^(127\.|localhost$|::1$|\[::1\])/.test(cfg.host);
    this.transport = nodemailer.createTransport({
      host: cfg.host,
      port: cfg.port,
      secure: cfg.secure ?? false,
      requireTLS: cfg.requireTls ?? !loopback,
      ignoreTLS: loopback && cfg.requireTls !== true,
      ...(cfg.user ? { auth: { user: cfg.user, pass: cfg.password ?? '' } } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
  }

  async send(msg: MailMessage): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail({
      from: this.cfg.from,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      headers: { 'Auto-Submitted': 'auto-generated', ...(msg.headers ?? {}) },
      attachments: (msg.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    });
    const rejected = info.rejected ?? [];
    if (rejected.length > 0) throw new Error(`the mail server rejected ${rejected.join(', ')}`);
    return { messageId: info.messageId };
  }

  close(): void {
    this.transport.close();
  }
}

/** SMTP settings from the environment (WINNOW_SMTP_URL=smtp://user:pass@host:port, WINNOW_SMTP_FROM); null when unset. */
export function smtpConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpConfig | null {
  const url = env.WINNOW_SMTP_URL;
  if (!url) return null;
  const u = new URL(url);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error(`WINNOW_SMTP_URL must be smtp:// or smtps://, not ${u.protocol}`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 25)),
    secure: u.protocol === 'smtps:',
    from: env.WINNOW_SMTP_FROM ?? 'Winnow hotline <hotline@localhost>',
    ...(u.username ? { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : {}),
  };
}
