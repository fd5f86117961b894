/** The port through which the hotline desk sends e-mail (notices to hosts, updates to reporters). */
export interface MailAttachment {
  filename: string;
  content: string | Buffer;
  contentType: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Extra headers, e.g. Auto-Submitted, X-Winnow-Notice. */
  headers?: Record<string, string>;
  attachments?: MailAttachment[];
}

export interface Mailer {
  /** Resolves with the Message-ID the server accepted; rejects when the message was not accepted. */
  send(msg: MailMessage): Promise<{ messageId: string }>;
}
