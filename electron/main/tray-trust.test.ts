import { describe, expect, it } from 'vitest';
import type { ProjectView } from '../../shared/api/contract.js';
import type { SupportStatus, TagMove } from '../../shared/api/types.js';
import { NOW, POLLER, view } from '../../test/helpers/tray-views.js';
import { trayModel } from './tray-model.js';

const move: TagMove = { tag: 'v1.3.0', was: 'c'.repeat(40), now: 'd'.repeat(40), firstSeenAt: '2026-11-01T00:00:00Z', movedSeenAt: '2026-11-20T00:00:00Z', fresh: false, message: 'TAG MOVED' };
const eol = (version: string, past: boolean): SupportStatus => ({ version, line: '1.0.x', eolDate: '2026-12-01', eol: past, soon: !past, daysLeft: past ? -2 : 9, replacement: null, source: 'eol', message: '' });

function withCheck(p: ProjectView, extra: Partial<NonNullable<ProjectView['check']>>): ProjectView {
  return { ...p, check: { ...p.check!, ...extra } };
}

describe('the tray on release trust and end of life', () => {
  it('counts moved tags and EOL versions first in the tooltip, and names them in the menu', () => {
    const projects = [withCheck(view('core', { latest: '1.3.0' }), { tagMoves: [move] }), withCheck(view('tool'), { support: eol('1.0.0', true) }), withCheck(view('web'), { support: eol('1.0.0', false) })];
    const model = trayModel({ projects, poller: POLLER, operationsRunning: 0, lastError: null }, NOW);
    expect(model.tooltip).toBe('Upshift: 1 update available · 1 tag moved · 1 version end of life');
    const info = model.menu.filter((m) => m.kind === 'info').map((m) => [m.id, m.kind === 'info' ? m.label : '']);
    expect(info).toEqual(
      expect.arrayContaining([
        ['tag-moved', 'Tag moved, not installed until trusted: core v1.3.0'],
        ['eol', 'End of life: tool 1.0.0'],
        ['eol-soon', 'End of life soon: web 1.0.0 (2026-12-01)'],
      ]),
    );
  });

  it('says nothing while no tag moved and every version is supported', () => {
    const model = trayModel({ projects: [withCheck(view('core'), { support: { ...eol('1.0.0', false), soon: false, daysLeft: 90 } })], poller: POLLER, operationsRunning: 0, lastError: null }, NOW);
    expect(model.tooltip).toBe('Upshift: 1 project, up to date');
    expect(model.menu.some((m) => m.id === 'tag-moved' || m.id.startsWith('eol'))).toBe(false);
  });
});
