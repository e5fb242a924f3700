import { describe, expect, it } from 'vitest';
import { dayKey, domId, formatDay, durationBarPercent, formatDateTime, formatDuration, formatEstimate, formatRelative, formatVersion, groupEn, plural, relativeEn, shortSha, statusLabel, tailLines } from './format.js';

describe('formatDuration', () => {
  it.each([
    [null, '—'],
    [-1, '—'],
    [0, '0 ms'],
    [850, '850 ms'],
    [1234, '1.2 s'],
    [12_400, '12 s'],
    [59_600, '1 min'],
    [125_000, '2 min 5 s'],
    [3_600_000, '1 h'],
    [3_780_000, '1 h 3 min'],
  ])('%j → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatEstimate', () => {
  it('says when there is no estimate', () => {
    expect(formatEstimate(null)).toMatch(/No estimate yet/);
    expect(formatEstimate(0.4)).toBe('About a second');
    expect(formatEstimate(42)).toBe('About 42 s');
    expect(formatEstimate(150)).toBe('About 2 min 30 s');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');
  it.each([
    [null, 'never'],
    ['garbage', 'unknown'],
    ['2026-11-21T11:59:40Z', 'just now'],
    ['2026-11-21T11:55:00Z', '5 minutes ago'],
    ['2026-11-21T15:00:00Z', 'in 3 hours'],
    ['2026-11-20T12:00:00Z', 'yesterday'],
    ['2026-11-07T12:00:00Z', '2 weeks ago'],
  ])('%j → %s', (iso, text) => {
    expect(formatRelative(iso, now)).toBe(text);
  });
});

describe('relativeEn', () => {
  it('says what Intl.RelativeTimeFormat("en", { numeric: "auto" }) says, for every unit and many values', () => {
    const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    const units: Intl.RelativeTimeFormatUnit[] = ['minute', 'hour', 'day', 'week', 'month', 'year'];
    const values = [-0, 0, 1, -1, 2, -2, 5, -5, 11, -59, 100, 999, -999, 1000, -1000, 12345];
    for (const unit of units) {
      for (const value of values) expect(relativeEn(value, unit), `${value} ${unit}`).toBe(rtf.format(value, unit));
    }
  });
});

describe('dates', () => {
  it('formats in a given locale and zone', () => {
    expect(formatDateTime('2026-11-21T10:15:00Z', { locale: 'en-GB', timeZone: 'UTC' })).toBe('21 Nov 2026, 10:15');
    expect(formatDateTime(null)).toBe('—');
    expect(dayKey('2026-11-21T23:30:00Z', 'UTC')).toBe('2026-11-21');
    expect(formatDay('2026-11-21T10:00:00Z', { locale: 'en-GB', timeZone: 'UTC' })).toBe('Sat, 21 Nov 2026');
    expect(formatDay('2026-11-21T10:00:00Z', { locale: 'en-GB', timeZone: 'UTC', currentYear: 2026 })).toMatch(/^Sat,? 21 Nov$/);
    expect(dayKey('2026-11-21T23:30:00Z', 'Asia/Tokyo')).toBe('2026-11-22');
  });

  it('reads the local day from the Date as Intl does in the local zone (around midnight and DST changes too)', () => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const instants = ['2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z', '2026-10-25T00:59:59Z', '2026-11-21T23:30:00Z', '2026-12-31T23:59:59.999Z', '2027-01-01T00:00:00Z', '1999-02-28T12:00:00+14:00'];
    for (let h = 0; h < 48; h++) instants.push(new Date(Date.UTC(2026, 10, 21, h, 17)).toISOString());
    for (const iso of instants) expect(dayKey(iso), iso).toBe(dayKey(iso, zone));
    expect(dayKey('not a date')).toBe('');
  });
});

describe('small helpers', () => {
  it('versions, shas, labels, plurals', () => {
    expect(formatVersion({ version: '1.2.0', sha: 'abc' })).toBe('1.2.0');
    expect(formatVersion({ version: null, sha: '0123456789abcdef' })).toBe('commit 0123456');
    expect(formatVersion(null)).toBe('—');
    expect(shortSha(null)).toBe('—');
    expect(statusLabel('rolled_back')).toBe('Rolled back');
    expect(statusLabel('weird')).toBe('weird');
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(10_000, 'operation')).toBe('10,000 operations');
  });

  it('groups digits as toLocaleString("en") does, without Intl for whole numbers', () => {
    for (const n of [0, -0, 1, -1, 7, 999, 1000, -1000, 1234, 99_999, 100_000, 1_000_000, -12_345_678, 2 ** 53 - 1, 1e20, 1e21, 0.5, 1234.5678, NaN, Infinity]) {
      expect(groupEn(n), String(n)).toBe(n.toLocaleString('en'));
    }
  });

  it('tails text', () => {
    expect(tailLines('a\nb\nc\n', 2)).toBe('b\nc');
    expect(tailLines('', 5)).toBe('');
  });

  it('makes safe DOM ids', () => {
    expect(domId('op', 'hook:preUpgrade')).toBe('op--hook_3apreUpgrade');
    expect(domId('a b')).not.toMatch(/\s/);
  });
});

describe('durationBarPercent', () => {
  it('is logarithmic, monotonic and bounded', () => {
    expect(durationBarPercent(null)).toBe(0);
    expect(durationBarPercent(0)).toBe(0);
    expect(durationBarPercent(10)).toBe(2);
    const samples = [1000, 10_000, 60_000, 600_000, 3_600_000].map((ms) => durationBarPercent(ms));
    for (let i = 1; i < samples.length; i++) expect(samples[i]!).toBeGreaterThan(samples[i - 1]!);
    expect(samples[4]).toBe(100);
    expect(durationBarPercent(10 * 3_600_000)).toBe(100);
    expect(durationBarPercent(500, 1000)).toBeCloseTo(58.5, 0);
  });
});
