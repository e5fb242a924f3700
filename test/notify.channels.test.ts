/**
 * Each channel kind against a real receiver on 127.0.0.1 checking the payload shape: Slack blocks, a Discord embed,
 * ntfy JSON, Gotify with its app token in a header, an SMTP server (smtp-server) requiring STARTTLS and AUTH PLAIN or
 * LOGIN, the JSON-lines file; headless desktop notifications that degrade where none can be shown. Secrets never
 * appear in errors or health.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlessDesktop } from '../electron/core/notify/desktop.js';
import { operationEvent } from '../electron/core/notify/message.js';
import { sendTo } from '../electron/core/notify/send.js';
import { parseChannelUrl } from '../electron/core/notify/url.js';
import type { ChannelDeps, NotifyEvent } from '../electron/core/notify/types.js';
import type { Operation } from '../shared/api/types.js';
import { makeTempDir } from './helpers/repos.js';

interface Hit {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let server: http.Server;
let base: string;
const hits: Hit[] = [];
let nextStatus: Array<{ status: number; body?: string; headers?: Record<string, string> }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ method: req.method!, path: req.url!, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> });
      const next = nextStatus.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(next.status, next.headers ?? {});
      res.end(next.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const op: Operation = {
  id: 'op_20260302T080000Z_ab12cd',
  project: 'core',
  kind: 'upgrade',
  status: 'rolled_back',
  from: { version: '1.0.0', tag: 'v1.0.0', sha: 'a'.repeat(40) },
  to: { version: '1.1.0', tag: 'v1.1.0', sha: 'b'.repeat(40) },
  steps: [
    { id: 'install', title: 'Install', status: 'succeeded', command: 'npm ci', startedAt: null, finishedAt: null, durationMs: 10, error: null, outputExcerpt: null, logPath: null },
    { id: 'smoke', title: 'Smoke test', status: 'failed', command: 'npm test', startedAt: null, finishedAt: null, durationMs: 10, error: 'exit code 1: 3 tests failed', outputExcerpt: null, logPath: null },
  ],
  error: 'smoke failed',
  target: null,
  startedAt: '2026-03-02T08:00:00.000Z',
  finishedAt: '2026-03-02T08:01:00.000Z',
  durationMs: 60_000,
  host: 'h',
  user: 'u',
  pid: 1,
  logDir: null,
  manualRecovery: null,
} as unknown as Operation;

const rolledBack = operationEvent(op, op.finishedAt!)!;
const deps = (): ChannelDeps => ({ hostOverrides: { 'hooks.slack.com': base, 'discord.com': base } });

describe('rolled back: the event names the failing step', () => {
  it('carries from, to, the step and its error', () => {
    expect(rolledBack).toMatchObject({ type: 'rolled_back', project: 'core', from: '1.0.0', to: '1.1.0', step: 'smoke', error: 'exit code 1: 3 tests failed', operation: op.id });
    expect(rolledBack.body).toBe('The upgrade of core from 1.0.0 to 1.1.0 failed at step smoke; core is back on 1.0.0.');
    const failedRollback = operationEvent({ ...op, status: 'failed', manualRecovery: 'git -C /src/core checkout main' } as Operation, op.finishedAt!)!;
    expect(failedRollback).toMatchObject({ type: 'rollback_failed', manualRecovery: 'git -C /src/core checkout main' });
    expect(operationEvent({ ...op, status: 'succeeded' } as Operation, op.finishedAt!)!).toMatchObject({ type: 'upgraded', title: 'core upgraded to 1.1.0' });
    expect(operationEvent({ ...op, status: 'blocked' } as Operation, op.finishedAt!)).toBeNull();
  });
});

describe('HTTP channels: payload shapes', () => {
  it('Slack: an incoming-webhook message with text and Block Kit blocks (header, body, fields, the error, context)', async () => {
    hits.length = 0;
    const spec = parseChannelUrl('slack://T000AAAA/B000BBBB/XXXXSECRETXXXX/#ops');
    expect(await sendTo(spec, rolledBack, 'k1', deps(), Date.now())).toEqual({ ok: true });
    const [hit] = hits;
    expect(hit!.path).toBe('/services/T000AAAA/B000BBBB/XXXXSECRETXXXX');
    expect(hit!.headers['content-type']).toBe('application/json');
    expect(hit!.body.text).toBe(`${rolledBack.title}: ${rolledBack.body}`);
    expect(hit!.body.channel).toBe('#ops');
    const blocks = hit!.body.blocks as Array<Record<string, unknown>>;
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: rolledBack.title, emoji: false } });
    expect(blocks[2]!.fields).toContainEqual({ type: 'mrkdwn', text: '*Failing step*\nsmoke' });
    expect((blocks[3]!.text as { text: string }).text).toBe('```exit code 1: 3 tests failed```');
  });

  it('Discord: an embed with title, description, colour, fields and timestamp; a 429 with retry_after is retried then', async () => {
    hits.length = 0;
    const spec = parseChannelUrl('discord://123456789/Disc0rdT0ken');
    nextStatus = [{ status: 429, body: JSON.stringify({ message: 'You are being rate limited.', retry_after: 1.5, global: false }), headers: { 'content-type': 'application/json' } }];
    const limited = await sendTo(spec, rolledBack, 'k2', deps(), Date.now());
    expect(limited).toMatchObject({ ok: false, permanent: false, retryAfterMs: 1500 });
    expect(await sendTo(spec, rolledBack, 'k2', deps(), Date.now())).toEqual({ ok: true });
    const hit = hits[1]!;
    expect(hit.path).toBe('/api/webhooks/123456789/Disc0rdT0ken?wait=true');
    expect(hit.body).toMatchObject({ username: 'Upshift', allowed_mentions: { parse: [] } });
    const [embed] = hit.body.embeds as Array<Record<string, unknown>>;
    expect(embed).toMatchObject({ title: rolledBack.title, description: rolledBack.body, color: 0xdbab09, timestamp: rolledBack.at, footer: { text: 'Upshift · rolled back' } });
    expect(embed!.fields).toContainEqual({ name: 'Failing step', value: 'smoke', inline: true });
    expect(embed!.fields).toContainEqual({ name: 'Error', value: 'exit code 1: 3 tests failed', inline: false });
  });

  it('ntfy: JSON published to the root with topic, title, message, tags and priority; basic auth from the URL', async () => {
    hits.length = 0;
    const spec = parseChannelUrl(`ntfy://me:pw-s3cret@${base.slice(7)}/upshift-alerts`);
    expect(await sendTo(spec, rolledBack, 'k3', {}, Date.now())).toEqual({ ok: true });
    const hit = hits[0]!;
    expect(hit.path).toBe('/');
    expect(hit.headers.authorization).toBe(`Basic ${Buffer.from('me:pw-s3cret').toString('base64')}`);
    expect(hit.body).toEqual({ topic: 'upshift-alerts', title: rolledBack.title, message: expect.stringContaining('Failing step: smoke'), tags: ['leftwards_arrow_with_hook'], priority: 3 });
  });

  it('Gotify: POST /message with the app token in X-Gotify-Key (never in the URL), title, message and priority', async () => {
    hits.length = 0;
    const spec = parseChannelUrl(`gotify://${base.slice(7)}/AppT0kenXYZ?priority=6`);
    expect(await sendTo(spec, rolledBack, 'k4', {}, Date.now())).toEqual({ ok: true });
    const hit = hits[0]!;
    expect(hit.path).toBe('/message');
    expect(hit.headers['x-gotify-key']).toBe('AppT0kenXYZ');
    expect(hit.body).toMatchObject({ title: rolledBack.title, priority: 6, extras: { upshift: { type: 'rolled_back', project: 'core' } } });
    expect(hit.body.message).toContain('Error: exit code 1: 3 tests failed');
  });

  it('an error never carries the secret the receiver or the network echoes back', async () => {
    hits.length = 0;
    nextStatus = [{ status: 401, body: 'invalid token AppT0kenXYZ for /message' }];
    const spec = parseChannelUrl(`gotify://${base.slice(7)}/AppT0kenXYZ`);
    const out = await sendTo(spec, rolledBack, 'k5', {}, Date.now());
    expect(out).toEqual({ ok: false, permanent: true, error: 'HTTP 401: invalid token *** for /message', retryAfterMs: null });
    const dead = parseChannelUrl('json://127.0.0.1:1/hook/Secr3tPath');
    const refused = await sendTo(dead, rolledBack, 'k6', {}, Date.now());
    expect(refused).toMatchObject({ ok: false, permanent: false });
    expect((refused as { error: string }).error).toMatch(/ECONNREFUSED/);
    expect((refused as { error: string }).error).not.toContain('Secr3tPath');
  });
});

describe('the log file', () => {
  it('appends one JSON object per line with the idempotency key', async () => {
    const file = path.join(makeTempDir('upshift-notify-file-'), 'logs', 'notify.jsonl');
    const spec = parseChannelUrl(`file://${file}`);
    expect(await sendTo(spec, rolledBack, 'k7', {}, Date.now())).toEqual({ ok: true });
    expect(await sendTo(spec, { ...rolledBack, id: 'second' }, 'k8', {}, Date.now())).toEqual({ ok: true });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as NotifyEvent & { key: string });
    expect(lines.map((l) => [l.key, l.type, l.step])).toEqual([['k7', 'rolled_back', 'smoke'], ['k8', 'rolled_back', 'smoke']]);
  });
});

describe('e-mail over SMTP (a local smtp-server with STARTTLS and AUTH)', () => {
  let smtp: SMTPServer;
  let port: number;
  let ca: string;
  const mails: Array<{ user: string | undefined; method: string; secure: boolean; from: string; to: string[]; data: string }> = [];

  beforeAll(async () => {
    const dir = makeTempDir('upshift-smtp-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
    ca = readFileSync(`${dir}/cert.pem`, 'utf8');
    smtp = new SMTPServer({
      key: readFileSync(`${dir}/key.pem`),
      cert: ca,
      authMethods: ['PLAIN', 'LOGIN'],
      // The password is only accepted over TLS (smtp-server refuses AUTH before STARTTLS unless allowInsecureAuth).
      onAuth(auth, session, cb) {
        if (auth.username === 'bot@example.test' && auth.password === 'p4ss w0rd!') cb(null, { user: `${auth.username}|${auth.method}|${String(session.secure)}` });
        else cb(new Error('Invalid username or password'));
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const [user, method, secure] = String(session.user).split('|');
          mails.push({ user, method: method!, secure: secure === 'true', from: String((session.envelope.mailFrom as { address: string }).address), to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => smtp.close(() => r())));

  it.each(['plain', 'login'])('delivers after STARTTLS with AUTH %s', async (auth) => {
    const spec = parseChannelUrl(`smtp://bot%40example.test:p4ss%20w0rd!@localhost:${port}?to=ops@example.test,me@example.test&auth=${auth}`);
    expect(await sendTo(spec, rolledBack, `evt_${auth}:chan`, { ca }, Date.now())).toEqual({ ok: true });
    const mail = mails.at(-1)!;
    expect(mail).toMatchObject({ user: 'bot@example.test', method: auth.toUpperCase(), secure: true, from: 'bot@example.test', to: ['ops@example.test', 'me@example.test'] });
    expect(mail.data).toContain(`Subject: [Upshift] ${rolledBack.title}`);
    expect(mail.data).toContain(`Message-ID: <evt_${auth}.chan@upshift>`);
    expect(mail.data).toContain('X-Upshift-Event: rolled_back');
    expect(mail.data).toContain('Failing step: smoke');
  });

  it('a wrong password is refused for good, and the error does not carry it', async () => {
    const spec = parseChannelUrl(`smtp://bot%40example.test:wr0ngpass@localhost:${port}?to=ops@example.test`);
    const out = await sendTo(spec, rolledBack, 'k9', { ca }, Date.now());
    expect(out).toMatchObject({ ok: false, permanent: true });
    expect((out as { error: string }).error).toMatch(/EAUTH/);
    expect((out as { error: string }).error).not.toContain('wr0ngpass');
  });

  it('an untrusted certificate is not accepted (no silent downgrade)', async () => {
    const spec = parseChannelUrl(`smtp://bot%40example.test:p4ss%20w0rd!@localhost:${port}?to=ops@example.test`);
    const out = await sendTo(spec, rolledBack, 'k10', { timeoutMs: 3000 }, Date.now());
    expect(out.ok).toBe(false);
    expect((out as { error: string }).error).not.toContain('p4ss');
  });
});

describe('headless desktop notifications', () => {
  it('degrade without throwing when node-notifier is missing or no notification daemon exists', async () => {
    const missing = headlessDesktop({ load: () => Promise.reject(new Error("Cannot find package 'node-notifier'")) });
    expect(await missing.show('t', 'b')).toMatchObject({ ok: false, permanent: true });
    expect(missing.problem).toMatch(/node-notifier is not available/);

    // The real node-notifier with no notify-send on PATH (a server, a container).
    const emptyBin = makeTempDir('upshift-nobin-');
    writeFileSync(path.join(emptyBin, 'README'), 'no notify-send here');
    const savedPath = process.env.PATH;
    process.env.PATH = emptyBin;
    try {
      const real = headlessDesktop({ timeoutMs: 3000 });
      const out = await real.show('Upshift', 'core 1.1.0 is available');
      if (process.platform === 'linux') {
        expect(out).toMatchObject({ ok: false, permanent: true });
        expect(real.problem).toMatch(/no desktop notification could be shown/);
      } else {
        expect(typeof out.ok).toBe('boolean');
      }
    } finally {
      process.env.PATH = savedPath;
    }
    // Through the desktop:// channel, the same answer, never an exception.
    const viaChannel = await sendTo(parseChannelUrl('desktop://'), rolledBack, 'k11', { desktop: missing }, Date.now());
    expect(viaChannel).toMatchObject({ ok: false });
    expect(await sendTo(parseChannelUrl('desktop://'), rolledBack, 'k12', {}, Date.now())).toMatchObject({ ok: false, error: 'no desktop notifications in this process' });
  });
});
