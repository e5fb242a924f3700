import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, planHref } from './route.js';

describe('hash routes', () => {
  it.each([
    ['', { view: 'updates' }],
    ['#', { view: 'updates' }],
    ['#/updates', { view: 'updates' }],
    ['#/history', { view: 'history' }],
    ['#/settings', { view: 'settings' }],
    ['#/about', { view: 'about' }],
    ['#/schedule', { view: 'schedule' }],
    ['#/plan/core', { view: 'plan', project: 'core', to: null }],
    ['#/plan/my%20proj?to=1.3.0', { view: 'plan', project: 'my proj', to: '1.3.0' }],
    ['#/plan', { view: 'updates' }],
    ['#/operation/op_1', { view: 'operation', id: 'op_1' }],
    ['#/nonsense', { view: 'updates' }],
    ['#/plan/%E0%A4%A', { view: 'plan', project: '%E0%A4%A', to: null }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips', () => {
    for (const r of [
      { view: 'updates' },
      { view: 'history' },
      { view: 'plan', project: 'a/b c', to: '2.0.0-rc.1' },
      { view: 'operation', id: 'op_x' },
    ] as const) {
      expect(parseRoute(formatRoute(r))).toEqual(r);
    }
    expect(planHref('core', '1.3.0')).toBe('#/plan/core?to=1.3.0');
    expect(planHref('core')).toBe('#/plan/core');
  });
});
