/**
 * E-mail over SMTP with nodemailer (https://nodemailer.com/smtp/): smtp:// requires STARTTLS (a server that does not
 * offer it is refused rather than sent a password in the clear), smtps:// speaks TLS from the start; AUTH PLAIN or
 * LOGIN, as the server offers or `auth=` says. The Message-ID comes from the idempotency key, so a mail sent again
 * after a crash threads as the same message. nodemailer is loaded only when a mail is sent.
 */
import { plainText } from './message.js';
import type { ChannelDeps, ChannelTarget, NotifyEvent, SendOutcome } from './types.js';

export async function sendEmail(target: Extract<ChannelTarget, { kind: 'email' }>, event: NotifyEvent, key: string, deps: ChannelDeps): Promise<SendOutcome> {
  const { createTransport } = await import('nodemailer');
  const timeout = deps.timeoutMs ?? 10_000;
  const transport = createTransport({
    host: target.host,
    port: target.port,
    secure: target.secure,
    requireTLS: !target.secure,
    ...(target.user ? { auth: { user: target.user, pass: target.pass ?? '' } } : {}),
    ...(target.authMethod ? { authMethod: target.authMethod } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    tls: { servername: target.host, ...(deps.ca ? { ca: deps.ca } : {}) },
  });
  const onAbort = () => transport.close();
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await transport.sendMail({
      from: target.from,
      to: target.to,
      subject: `[Upshift] ${event.title}`,
      text: `${plainText(event)}\n\n— Upshift (${event.type.replace(/_/g, ' ')}, ${event.at})\n`,
      messageId: `<${key.replace(/[^A-Za-z0-9._-]/g, '.')}@upshift>`,
      headers: { 'X-Upshift-Event': event.type, 'X-Upshift-Key': key },
    });
    return { ok: true };
  } catch (err) {
    const e = err as Error & { responseCode?: number; code?: string };
    // 5xx replies (bad credentials, refused recipient) will not change by themselves; network trouble and 4xx may.
    const permanent = typeof e.responseCode === 'number' ? e.responseCode >= 500 : e.code === 'EAUTH' || e.code === 'EENVELOPE';
    return { ok: false, permanent, error: `${e.code ? `${e.code}: ` : ''}${e.message}`, retryAfterMs: null };
  } finally {
    deps.signal?.removeEventListener('abort', onAbort);
    transport.close();
  }
}
