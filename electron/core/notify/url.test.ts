/** The notification URL parser: a table of valid URLs (kind, target, redacted form) and invalid ones (clear errors, redacted). */
import { describe, expect, it } from 'vitest';
import { parseChannelUrl, roughRedact, routes, scrub, splitUrlList } from './url.js';
import { ChannelUrlError } from './types.js';

const valid: Array<[string, string, string, Record<string, unknown>]> = [
  ['file:///var/log/upshift/notify.jsonl', 'file', 'file:///var/log/upshift/notify.jsonl', { path: '/var/log/upshift/notify.jsonl' }],
  ['json://hooks.example:8080/upshift/T0ken5ecret?secret=hm4cSecret', 'webhook', 'json://hooks.example:8080/upshift/***?secret=***', { endpoint: 'http://hooks.example:8080/upshift/T0ken5ecret', hmacSecret: 'hm4cSecret' }],
  ['jsons://user:pa55word@hooks.example/in?+X-Api-Key=k3yk3y', 'webhook', 'jsons://user:***@hooks.example/in?+X-Api-Key=***', { endpoint: 'https://hooks.example/in' }],
  ['slack://T000AAAA/B000BBBB/XXXXSECRETXXXX', 'slack', 'slack://***', { endpoint: 'https://hooks.slack.com/services/T000AAAA/B000BBBB/XXXXSECRETXXXX' }],
  ['slack://T000AAAA/B000BBBB/XXXXSECRETXXXX/#ops', 'slack', 'slack://***/#ops', { endpoint: 'https://hooks.slack.com/services/T000AAAA/B000BBBB/XXXXSECRETXXXX#ops' }],
  ['slack://hook:T000AAAA-B000BBBB-XXXXSECRETXXXX@webhook', 'slack', 'slack://***', { endpoint: 'https://hooks.slack.com/services/T000AAAA/B000BBBB/XXXXSECRETXXXX' }],
  ['https://hooks.slack.com/services/T000AAAA/B000BBBB/XXXXSECRETXXXX', 'slack', 'https://hooks.slack.com/services/***', { endpoint: 'https://hooks.slack.com/services/T000AAAA/B000BBBB/XXXXSECRETXXXX' }],
  ['discord://123456789/Disc0rdT0ken-_x', 'discord', 'discord://123456789/***', { endpoint: 'https://discord.com/api/webhooks/123456789/Disc0rdT0ken-_x' }],
  ['discord://Disc0rdT0ken@123456789', 'discord', 'discord://123456789/***', { endpoint: 'https://discord.com/api/webhooks/123456789/Disc0rdT0ken' }],
  ['https://discord.com/api/webhooks/123456789/Disc0rdT0ken', 'discord', 'discord://123456789/***', { endpoint: 'https://discord.com/api/webhooks/123456789/Disc0rdT0ken' }],
  ['ntfy://ntfy.example/upshift-alerts', 'ntfy', 'ntfy://ntfy.example/***', { base: 'http://ntfy.example', topic: 'upshift-alerts', auth: null }],
  ['ntfys://me:s3cr3tpw@ntfy.example:8443/alerts?priority=4', 'ntfy', 'ntfys://me:***@ntfy.example:8443/***?priority=4', { base: 'https://ntfy.example:8443', topic: 'alerts', priority: 4 }],
  ['ntfy://mytopic123', 'ntfy', 'ntfy://ntfy.sh/***', { base: 'https://ntfy.sh', topic: 'mytopic123' }],
  ['gotify://push.example/AbCdEfToken', 'gotify', 'gotify://push.example/***', { base: 'http://push.example', token: 'AbCdEfToken', priority: 5 }],
  ['gotifys://push.example/sub/AbCdEfToken?priority=8', 'gotify', 'gotifys://push.example/sub/***?priority=8', { base: 'https://push.example/sub', token: 'AbCdEfToken', priority: 8 }],
  ['smtp://me%40example.com:p%40ss@mail.example:587?to=a@example.com,b@example.com', 'email', 'smtp://me%40example.com:***@mail.example:587?to=a%40example.com%2Cb%40example.com', { host: 'mail.example', port: 587, secure: false, user: 'me@example.com', pass: 'p@ss', from: 'me@example.com', to: ['a@example.com', 'b@example.com'] }],
  ['smtps://bot:pw123@mail.example?from=bot@example.com&to=me@example.com&auth=login', 'email', 'smtps://bot:***@mail.example?from=bot%40example.com&to=me%40example.com&auth=login', { port: 465, secure: true, authMethod: 'LOGIN' }],
  ['desktop://', 'desktop', 'desktop://', {}],
];

describe('parseChannelUrl: valid URLs', () => {
  it.each(valid)('%s', (url, kind, redacted, target) => {
    const spec = parseChannelUrl(url);
    expect(spec.kind).toBe(kind);
    expect(spec.redacted).toBe(redacted);
    expect(spec.target).toMatchObject(target);
    expect(spec.id).toMatch(/^[0-9a-f]{16}$/);
    // No secret survives in the redacted form.
    for (const s of spec.secrets) expect(spec.redacted).not.toContain(s);
  });

  it('reads routing parameters and strips them from the URL used', () => {
    const spec = parseChannelUrl('json://h.example/in?events=upgraded,rolled_back&projects=core&digest=18:30&rate=5&name=ops&x=1');
    expect(spec).toMatchObject({ events: ['upgraded', 'rolled_back'], projects: ['core'], digest: '18:30', ratePerMinute: 5, name: 'ops' });
    expect(spec.target).toMatchObject({ endpoint: 'http://h.example/in?x=1' });
    expect(parseChannelUrl('ntfy://n.example/t?digest=daily').digest).toBe('09:00');
    // Routing does not change the channel's identity (its health stays with it).
    expect(parseChannelUrl('json://h.example/in?x=1&events=upgraded').id).toBe(spec.id);
    // A settings object gives the same options; the URL's own win.
    expect(parseChannelUrl('ntfy://n.example/t?events=upgraded', { events: ['rolled_back'], name: 'phone' })).toMatchObject({ events: ['upgraded'], name: 'phone' });
  });

  it('routes by event and project; a test goes everywhere', () => {
    const spec = parseChannelUrl('ntfy://n.example/t?events=upgraded,rolled_back&projects=core');
    expect(routes(spec, 'upgraded', 'core')).toBe(true);
    expect(routes(spec, 'upgraded', 'finance')).toBe(false);
    expect(routes(spec, 'update_available', 'core')).toBe(false);
    expect(routes(spec, 'test', null)).toBe(true);
    expect(routes(parseChannelUrl('ntfy://n.example/t'), 'check_failing', 'any')).toBe(true);
  });
});

const invalid: Array<[string, RegExp, string]> = [
  ['', /empty/, '""'],
  ['hooks.example/in', /no scheme/, 'hooks.example/in'],
  ['ftp://files.example/x', /unknown scheme "ftp:\/\/"; expected one of file:\/\/, json:\/\//, 'ftp://files.example/***'],
  ['file://relative/log.jsonl', /three slashes/, 'file://relative/***'],
  ['file:///var/log/', /path of a file/, 'file:///var/***'],
  ['slack://T000AAAA/B000BBBB', /TokenA\/TokenB\/TokenC/, 'slack://***'],
  ['discord://notanumber/t0ken', /WebhookID\/WebhookToken/, 'discord://***/***'],
  ['ntfy://n.example/bad topic!', /topic of letters/, 'ntfy://n.example/***'],
  ['ntfy://n.example/t?priority=9', /priority=9: expected 1 to 5/, 'ntfy://n.example/***?priority=9'],
  ['gotify://push.example', /AppToken/, 'gotify://push.example/***'],
  ['smtp://u:secretpw@mail.example:587?to=a@example.com', /from=/, 'smtp://u:***@mail.example:587?to=a%40example.com'],
  ['smtp://me%40x.example:secretpw@mail.example', /&to=/, 'smtp://me%40x.example:***@mail.example'],
  ['smtp://bot:secretpw@mail.example?from=bot@x.example&to=nobody', /"nobody" is not an e-mail address/, 'smtp://bot:***@mail.example?from=bot%40x.example&to=nobody'],
  ['smtp://bot@mail.example?from=bot@x.example&to=a@x.example', /without a password/, 'smtp://bot@mail.example?from=bot%40x.example&to=a%40x.example'],
  ['smtp://bot:secretpw@mail.example?from=b@x.example&to=a@x.example&auth=cram', /auth=cram: expected plain or login/, 'smtp://bot:***@mail.example'],
  ['json://h.example/in/s3cretpath?events=upgraded,deployed', /"deployed" is not an event; expected some of update_available, needs_approval/, 'json://h.example/in/***'],
  ['json://h.example/in?digest=25:00', /digest=25:00: expected daily or a time of day/, 'json://h.example/in'],
  ['json://h.example/in?rate=0', /rate=0: expected messages per minute/, 'json://h.example/in'],
];

describe('parseChannelUrl: invalid URLs', () => {
  it.each(invalid)('%s', (url, problem, shown) => {
    let err: unknown;
    try {
      parseChannelUrl(url);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ChannelUrlError);
    const e = err as ChannelUrlError;
    expect(e.code).toBe('NOTIFY_URL_INVALID');
    expect(e.message).toMatch(problem);
    expect(e.message.startsWith(`Notification URL ${shown}`)).toBe(true);
    for (const secret of ['secretpw', 's3cretpath', 't0ken', 'B000BBBB']) expect(e.message).not.toContain(secret);
  });
});

describe('redaction helpers', () => {
  it('scrub replaces secrets (and their URL-encoded form) in any text; roughRedact hides what may be secret in an unparsed URL', () => {
    expect(scrub('connect ECONNREFUSED http://h/a/p@ss w0rd/x', ['p@ss w0rd'])).toBe('connect ECONNREFUSED http://h/a/***/x');
    expect(scrub('GET /hook/p%40ss%20w0rd', ['p@ss w0rd'])).toBe('GET /hook/***');
    expect(roughRedact('weird://u:pw@host/path/tok?token=abc&x=1')).toBe('weird://u:***@host/***?token=***&x=1');
  });

  it('splits UPSHIFT_NOTIFY_URLS on commas and spaces, keeping commas inside a URL', () => {
    expect(splitUrlList('ntfy://n.example/t, slack://A/B/C  smtp://u:p@m.example?from=a@x.example&to=b@x.example,c@x.example,file:///tmp/x.jsonl')).toEqual([
      'ntfy://n.example/t',
      'slack://A/B/C',
      'smtp://u:p@m.example?from=a@x.example&to=b@x.example,c@x.example',
      'file:///tmp/x.jsonl',
    ]);
  });
});
