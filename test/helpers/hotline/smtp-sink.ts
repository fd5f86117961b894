import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on loopback that keeps every message it accepts, parsed (for notice and update tests). */
export interface SmtpSink {
  port: number;
  messages: ParsedMail[];
  /** Resolves when at least n messages have arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(opts: { rejectRecipients?: RegExp } = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (opts.rejectRecipients?.test(address.address)) return cb(new Error('550 no such mailbox'));
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => { messages.push(m); cb(); }, (e: Error) => cb(e));
    },
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    messages,
    async waitFor(n, timeoutMs = 10_000) {
      const t0 = Date.now();
      while (messages.length < n) {
        if (Date.now() - t0 > timeoutMs) throw new Error(`SMTP sink: ${messages.length} of ${n} messages after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return messages;
    },
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}
