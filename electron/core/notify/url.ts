/**
 * The one parser of notification URLs, in the forms users know from Apprise (https://github.com/caronc/apprise/wiki)
 * and shoutrrr (https://containrrr.dev/shoutrrr/services/overview/). Every error names the URL with its secrets
 * replaced by `***`; `redacted` is the only form of a URL that is ever printed, logged or sent to the dashboard.
 *
 * Routing parameters are Upshift's own and are removed before a URL is used:
 *   events=upgraded,rolled_back   projects=core,finance   digest=daily|HH:MM   rate=N (per minute)   name=ops
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { NOTIFY_EVENT_TYPES } from '../../../shared/api/notify.js';
import { ChannelUrlError, type ChannelSpec, type ChannelTarget, type NotifyChannelKind, type NotifyEventType } from './types.js';

/** Messages per minute when the URL does not say (`rate=`). Slack and Discord allow about one a second. */
export const DEFAULT_RATE_PER_MINUTE = 30;
/** `digest=daily` sends at this local time. */
export const DEFAULT_DIGEST_TIME = '09:00';

const ROUTING_PARAMS = ['events', 'projects', 'digest', 'rate', 'name'];
const SECRET_PARAMS = new Set(['secret', 'hmac', 'token', 'key', 'apikey', 'password', 'pass']);
const SCHEMES = ['file', 'json', 'jsons', 'slack', 'discord', 'ntfy', 'ntfys', 'gotify', 'gotifys', 'smtp', 'smtps', 'desktop', 'http', 'https'];

/** Optional routing given beside the URL (a settings or manifest object); the URL's own parameters win. */
export interface ChannelOptions {
  name?: string | undefined;
  events?: readonly string[] | undefined;
  projects?: readonly string[] | undefined;
  digest?: string | undefined;
  rate?: number | undefined;
}

/**
 * A URL with anything that may be secret replaced by `***`, for URLs that did not parse: the password, every path
 * segment, and the values of secret-looking parameters. Never throws.
 */
export function roughRedact(text: string): string {
  return text
    .replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/g, '$1***@')
    .replace(/(\/\/[^/\s?#]+)\/[^?\s#]+/g, '$1/***')
    .replace(/([?&](?:secret|hmac|token|key|apikey|password|pass|to|from)=)[^&\s#]*/gi, '$1***');
}

/** Replaces each secret (and its URL-encoded form) in `text` with `***`: for errors that libraries word themselves. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length < 3) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}

function fail(redacted: string, problem: string): never {
  throw new ChannelUrlError(`Notification URL ${redacted}: ${problem}`, redacted);
}

function parseList(value: string): string[] {
  return value
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses one channel URL; throws ChannelUrlError (message names the redacted URL and what is wrong). */
export function parseChannelUrl(raw: string, options: ChannelOptions = {}): ChannelSpec {
  const text = raw.trim();
  const rough = roughRedact(text);
  if (text === '') fail('""', 'empty; expected a URL such as ntfy://ntfy.sh/my-topic');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (!scheme) fail(rough, `no scheme; expected one of ${SCHEMES.map((s) => `${s}://`).join(', ')}`);
  if (!SCHEMES.includes(scheme)) fail(rough, `unknown scheme "${scheme}://"; expected one of ${SCHEMES.map((s) => `${s}://`).join(', ')}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(rough, 'not a valid URL');
  }

  // Upshift's routing parameters, then the kind's own.
  const q = url.searchParams;
  const routing = new URLSearchParams();
  for (const p of ROUTING_PARAMS) {
    const v = q.get(p);
    if (v !== null) routing.set(p, v);
    q.delete(p);
  }
  const secrets: string[] = [];
  const keep = (s: string | null | undefined): string | null => {
    if (s) secrets.push(s, decode(s));
    return s ? decode(s) : null;
  };
  const password = keep(url.password);
  for (const [k, v] of q) if (SECRET_PARAMS.has(k.toLowerCase())) keep(v);

  let kind: NotifyChannelKind;
  let target: ChannelTarget;
  let redacted: string;
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const redactQuery = (params: URLSearchParams, extra: Set<string> = new Set()): string => {
    const out: string[] = [];
    for (const [k, v] of params) {
      // Apprise's `+Header=value`: a `+` in a query reads as a space.
      const header = /^[+ ]/.test(k);
      out.push(`${header ? `+${k.slice(1)}` : k}=${SECRET_PARAMS.has(k.toLowerCase()) || extra.has(k.toLowerCase()) || header ? '***' : encodeURIComponent(v)}`);
    }
    return out.length > 0 ? `?${out.join('&')}` : '';
  };
  const userPart = (u: URL) => (u.username ? `${u.username}${u.password ? ':***' : ''}@` : '');

  switch (scheme) {
    case 'file': {
      if (url.host !== '') fail(rough, `a file URL names an absolute path: file:///var/log/upshift.jsonl (three slashes), got host "${url.host}"`);
      const p = decode(url.pathname);
      if (!path.isAbsolute(p) || p.endsWith('/')) fail(rough, 'expected the path of a file, e.g. file:///var/log/upshift.jsonl');
      kind = 'file';
      target = { kind, path: p };
      redacted = `file://${p}`;
      break;
    }
    case 'desktop':
      kind = 'desktop';
      target = { kind };
      redacted = 'desktop://';
      break;
    case 'slack': {
      // Apprise slack://TokenA/TokenB/TokenC[/#channel]; shoutrrr slack://hook:TokenA-TokenB-TokenC@webhook.
      let tokens: string[];
      let channel: string | null = null;
      if (url.username === 'hook' && url.password) {
        tokens = decode(url.password).split('-');
      } else {
        const parts = [url.host, ...segments].map(decode);
        channel = parts.find((p) => p.startsWith('#')) ?? (url.hash ? decode(url.hash) : null);
        tokens = parts.filter((p) => !p.startsWith('#'));
      }
      secrets.push(...tokens);
      if (tokens.length !== 3 || tokens.some((t) => !/^[A-Za-z0-9]+$/.test(t))) {
        fail('slack://***', 'expected slack://TokenA/TokenB/TokenC (the three parts of https://hooks.slack.com/services/TokenA/TokenB/TokenC) or the hooks URL itself');
      }
      kind = 'slack';
      target = { kind, endpoint: `https://hooks.slack.com/services/${tokens.join('/')}${channel ? `#${channel.slice(1)}` : ''}` };
      redacted = `slack://***${channel ? `/${channel}` : ''}`;
      break;
    }
    case 'discord': {
      // Apprise discord://webhook_id/webhook_token; shoutrrr discord://token@id.
      const [id, token] = url.username ? [url.host, decode(url.username)] : [url.host, decode(segments[0] ?? '')];
      if (token) secrets.push(token);
      if (!/^\d+$/.test(id) || !token || !/^[A-Za-z0-9_-]+$/.test(token)) fail(`discord://${/^\d+$/.test(id) ? id : '***'}/***`, 'expected discord://WebhookID/WebhookToken (from https://discord.com/api/webhooks/WebhookID/WebhookToken) or the webhook URL itself');
      kind = 'discord';
      target = { kind, endpoint: `https://discord.com/api/webhooks/${id}/${token}` };
      redacted = `discord://${id}/***`;
      break;
    }
    case 'http':
    case 'https': {
      const host = url.hostname.toLowerCase();
      if (host === 'hooks.slack.com') {
        const tokens = segments.slice(1).map(decode);
        secrets.push(...tokens);
        if (segments[0] !== 'services' || tokens.length !== 3) fail('https://hooks.slack.com/services/***', 'expected https://hooks.slack.com/services/TokenA/TokenB/TokenC');
        kind = 'slack';
        target = { kind, endpoint: `https://hooks.slack.com/services/${tokens.join('/')}` };
        redacted = 'https://hooks.slack.com/services/***';
        break;
      }
      if (host === 'discord.com' || host === 'discordapp.com') {
        const [api, hooks, id, token] = segments.map(decode);
        if (token) secrets.push(token);
        if (api !== 'api' || hooks !== 'webhooks' || !id || !/^\d+$/.test(id) || !token) fail(`https://${host}/api/webhooks/***`, 'expected https://discord.com/api/webhooks/WebhookID/WebhookToken');
        kind = 'discord';
        target = { kind, endpoint: `https://discord.com/api/webhooks/${id}/${token}` };
        redacted = `discord://${id}/***`;
        break;
      }
      return parseWebhook(url, text, scheme === 'https', routing, secrets, password, segments, options, redactQuery, userPart);
    }
    case 'json':
    case 'jsons':
      return parseWebhook(url, text, scheme === 'jsons', routing, secrets, password, segments, options, redactQuery, userPart);
    case 'ntfy':
    case 'ntfys': {
      // ntfy://[user:pass@]host[:port]/topic (http), ntfys:// (https); ntfy://topic alone: the public ntfy.sh.
      const alone = segments.length === 0 && !url.port && !url.hostname.includes('.') && url.hostname !== 'localhost';
      const topic = alone ? url.hostname : decode(segments.join('/'));
      if (topic) secrets.push(topic);
      const base = alone ? 'https://ntfy.sh' : `${scheme === 'ntfys' ? 'https' : 'http'}://${url.host}`;
      const shownHost = alone ? 'ntfy.sh' : url.host;
      const red = `${scheme}://${userPart(url)}${shownHost}/***${redactQuery(q)}`;
      if (!topic || !/^[A-Za-z0-9_-]{1,64}$/.test(topic)) fail(red, 'expected ntfy://host/topic (a topic of letters, digits, - and _), or ntfy://topic for ntfy.sh');
      const token = q.get('token');
      const auth = token ? `Bearer ${token}` : url.username ? `Basic ${Buffer.from(`${decode(url.username)}:${password ?? ''}`).toString('base64')}` : null;
      const priority = q.get('priority');
      const prio = priority === null ? null : Number(priority);
      if (prio !== null && !(Number.isInteger(prio) && prio >= 1 && prio <= 5)) fail(red, `priority=${priority}: expected 1 to 5`);
      kind = 'ntfy';
      target = { kind, base, topic, auth, priority: prio };
      redacted = red;
      break;
    }
    case 'gotify':
    case 'gotifys': {
      // gotify://host[:port][/path]/token (http), gotifys:// (https).
      const token = decode(segments[segments.length - 1] ?? '');
      if (token) secrets.push(token);
      const prefix = segments.slice(0, -1).join('/');
      const red = `${scheme}://${url.host}/${prefix ? `${prefix}/` : ''}***${redactQuery(q)}`;
      if (!url.hostname || !token) fail(red, 'expected gotify://host/AppToken (the application token from Gotify\u2019s Apps page)');
      const priority = q.get('priority');
      const prio = priority === null ? 5 : Number(priority);
      if (!(Number.isInteger(prio) && prio >= 0 && prio <= 10)) fail(red, `priority=${priority}: expected 0 to 10`);
      kind = 'gotify';
      target = { kind, base: `${scheme === 'gotifys' ? 'https' : 'http'}://${url.host}${prefix ? `/${prefix}` : ''}`, token, priority: prio };
      redacted = red;
      break;
    }
    case 'smtp':
    case 'smtps': {
      // smtp://user:pass@host:587?from=…&to=a,b (STARTTLS required), smtps://…:465 (TLS from the start).
      const red = `${scheme}://${userPart(url)}${url.host}${redactQuery(q)}`;
      if (!url.hostname) fail(red, 'expected smtp://user:pass@host:587?from=me@example.com&to=you@example.com');
      const user = url.username ? decode(url.username) : null;
      const from = q.get('from') ?? (user?.includes('@') ? user : null);
      const to = parseList(q.get('to') ?? '');
      if (!from) fail(red, 'says whom the mail is from: add ?from=upshift@example.com (or use an address as the user name)');
      if (to.length === 0) fail(red, 'says whom to send it to: add &to=you@example.com (several: comma separated)');
      for (const a of [from, ...to]) if (!/^[^\s@<>]+@[^\s@<>]+$/.test(a)) fail(red, `"${a}" is not an e-mail address`);
      const authParam = q.get('auth')?.toUpperCase() ?? null;
      if (authParam !== null && authParam !== 'PLAIN' && authParam !== 'LOGIN') fail(red, `auth=${q.get('auth')}: expected plain or login`);
      if (user && password === null) fail(red, `a user name without a password: smtp://${user}:PASSWORD@${url.host}`);
      const secure = scheme === 'smtps';
      kind = 'email';
      target = { kind, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : secure ? 465 : 587, secure, user, pass: password, from, to, authMethod: authParam };
      redacted = red;
      break;
    }
    default:
      fail(rough, `unknown scheme "${scheme}://"`);
  }
  return finish(kind, target, text, redacted, secrets, routing, options);
}

function parseWebhook(
  url: URL,
  text: string,
  https: boolean,
  routing: URLSearchParams,
  secrets: string[],
  password: string | null,
  segments: string[],
  options: ChannelOptions,
  redactQuery: (p: URLSearchParams) => string,
  userPart: (u: URL) => string,
): ChannelSpec {
  const q = url.searchParams;
  // Path segments after the first may be a secret (many services put the token in the path).
  for (const s of segments.slice(1)) secrets.push(s, decode(s));
  const shownPath = segments.length === 0 ? '' : `/${segments[0]}${segments.length > 1 ? '/***' : ''}`;
  const redacted = `${https ? 'jsons' : 'json'}://${userPart(url)}${url.host}${shownPath}${redactQuery(q)}`;
  if (!url.hostname) fail(redacted, 'expected json://host[:port]/path (jsons:// for https)');
  const hmacSecret = q.get('secret') ?? q.get('hmac');
  const headers: Record<string, string> = {};
  for (const [k, v] of [...q]) {
    if (/^[+ ]/.test(k)) {
      headers[k.slice(1)] = v;
      secrets.push(v);
      q.delete(k);
    }
  }
  q.delete('secret');
  q.delete('hmac');
  if (url.username) headers.Authorization = `Basic ${Buffer.from(`${decode(url.username)}:${password ?? ''}`).toString('base64')}`;
  const query = q.toString();
  const endpoint = `${https ? 'https' : 'http'}://${url.host}${url.pathname}${query ? `?${query}` : ''}`;
  return finish('webhook', { kind: 'webhook', endpoint, hmacSecret, headers }, text, redacted, secrets, routing, options);
}

function finish(kind: NotifyChannelKind, target: ChannelTarget, text: string, redacted: string, secrets: string[], routing: URLSearchParams, options: ChannelOptions): ChannelSpec {
  const eventsText = routing.get('events');
  const events = eventsText !== null ? parseList(eventsText) : options.events ? [...options.events] : null;
  for (const e of events ?? []) {
    if (!(NOTIFY_EVENT_TYPES as readonly string[]).includes(e) || e === 'test') {
      fail(redacted, `events: "${e}" is not an event; expected some of ${NOTIFY_EVENT_TYPES.filter((t) => t !== 'test').join(', ')}`);
    }
  }
  const projectsText = routing.get('projects');
  const projects = projectsText !== null ? parseList(projectsText) : options.projects ? [...options.projects] : null;
  const digestText = routing.get('digest') ?? options.digest ?? null;
  let digest: string | null = null;
  if (digestText !== null && digestText !== '' && digestText !== 'off') {
    digest = digestText === 'daily' ? DEFAULT_DIGEST_TIME : digestText;
    const m = /^(\d{1,2}):(\d{2})$/.exec(digest);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) fail(redacted, `digest=${digestText}: expected daily or a time of day such as 18:30`);
    digest = `${m[1]!.padStart(2, '0')}:${m[2]}`;
  }
  const rateText = routing.get('rate');
  const rate = rateText !== null ? Number(rateText) : (options.rate ?? DEFAULT_RATE_PER_MINUTE);
  if (!(Number.isInteger(rate) && rate >= 1 && rate <= 600)) fail(redacted, `rate=${rateText ?? String(options.rate)}: expected messages per minute, 1 to 600`);
  const name = routing.get('name') ?? options.name ?? null;
  // The id survives a change of routing (events, digest…): it is the URL the messages go to.
  const id = fingerprint(JSON.stringify(target));
  const unique = [...new Set(secrets.filter((s) => s.length > 0))];
  return { id, kind, url: text, redacted, name, events: events as NotifyEventType[] | null, projects, digest, ratePerMinute: rate, secrets: unique, target };
}

/** What to call a channel in output. */
export function channelName(spec: Pick<ChannelSpec, 'name' | 'redacted'>): string {
  return spec.name ?? spec.redacted;
}

/** Does the channel want this event of this project? A test goes to every channel. */
export function routes(spec: Pick<ChannelSpec, 'events' | 'projects'>, type: NotifyEventType, project: string | null): boolean {
  if (type === 'test') return true;
  if (spec.events && !spec.events.includes(type)) return false;
  if (spec.projects && (project === null || !spec.projects.includes(project))) return false;
  return true;
}

/** `UPSHIFT_NOTIFY_URLS`: comma or space separated (a comma inside a query, as in `to=a,b`, stays in its URL). */
export function splitUrlList(text: string): string[] {
  return text
    .split(/\s+|,(?=\s*[a-z][a-z0-9+.-]*:)/i)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
