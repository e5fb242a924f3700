import { describe, expect, it } from 'vitest';
import { newestMinorLines, supportStatus, supportTable } from './support.js';

const at = (iso: string) => Date.parse(iso);
const released = ['1.0.0', '1.1.0', '1.2.0', '1.2.1', '2.0.0-rc.1'];

describe('supportStatus (injected instant)', () => {
  it('is supported before the window, EOL soon within 30 days, EOL after its last day', () => {
    const policy = { eol: { '1.x': '2027-06-30' } };
    expect(supportStatus(at('2027-05-01T12:00:00Z'), policy, '1.2.1', released)).toMatchObject({ eol: false, soon: false, daysLeft: 60, line: '1.x' });
    expect(supportStatus(at('2027-06-01T00:00:00Z'), policy, '1.2.1', released)).toMatchObject({ eol: false, soon: true, daysLeft: 29 });
    expect(supportStatus(at('2027-06-30T23:59:00Z'), policy, '1.2.1', released)).toMatchObject({ eol: false, soon: true, daysLeft: 0 });
    const past = supportStatus(at('2027-07-01T00:00:00Z'), policy, '1.2.1', released)!;
    expect(past).toMatchObject({ eol: true, soon: false, daysLeft: -1 });
    expect(past.message).toContain('END OF LIFE since 2027-06-30');
  });

  it('takes the most specific line, then the release metadata, and names the replacement', () => {
    const policy = { eol: { '1.x': '2030-01-01', '1.1.x': '2020-01-01' } };
    expect(supportStatus(at('2026-01-01T00:00:00Z'), policy, '1.1.0', released)).toMatchObject({ eol: true, line: '1.1.x', source: 'eol' });
    const meta = supportStatus(at('2026-01-01T00:00:00Z'), {}, '1.0.0', released, { eolDate: '2026-01-15', replacement: '1.2.x' })!;
    expect(meta).toMatchObject({ soon: true, source: 'metadata', replacement: '1.2.x' });
    expect(meta.message).toContain('its replacement is 1.2.x');
  });

  it('lastMinors: the newest N stable minor lines are supported, older ones EOL without a date', () => {
    expect(newestMinorLines(released, 2)).toEqual(['1.2.x', '1.1.x']);
    const now = at('2026-01-01T00:00:00Z');
    expect(supportStatus(now, { lastMinors: 2 }, '1.1.0', released)).toMatchObject({ eol: false, eolDate: null });
    expect(supportStatus(now, { lastMinors: 2 }, '1.0.0', released)).toMatchObject({ eol: true, source: 'lastMinors' });
    expect(supportStatus(now, null, '1.0.0', released)).toBeNull();
    expect(supportTable(now, { lastMinors: 1 }, released).map((l) => [l.line, l.newest, l.status?.eol])).toEqual([
      ['1.2.x', '1.2.1', false],
      ['1.1.x', '1.1.0', true],
      ['1.0.x', '1.0.0', true],
    ]);
  });
});
