import { describe, expect, it } from 'vitest';
import type { BatchPlan } from '../api/types.js';
import { planBatch, type BatchProject } from './index.js';

const member = (plan: BatchPlan, name: string) => {
  const m = plan.members.find((x) => x.project === name);
  if (m === undefined) throw new Error(`no member ${name}`);
  return m;
};
const versions = (plan: BatchPlan) => Object.fromEntries(plan.members.map((m) => [m.project, `${m.from}→${m.to}`]));

/** Every member's chosen version accepts every dependency's chosen version: the plan the search returns is valid. */
function expectConsistent(plan: BatchPlan) {
  for (const m of plan.members) for (const r of m.requirements) expect(r.compatible, `${m.project}: ${r.reason}`).toBe(true);
}

const core = (current: string, releases: Array<{ version: string; contractsVersion?: string; breaking?: string[] }>): BatchProject => ({
  name: 'core',
  current,
  contractsVersion: '1.0.0',
  releases,
});

describe('planBatch: a core and three dependents', () => {
  // core 1.4.0 → 2.0.0 (contracts 2). finance 0.2.0 only accepts 1.x; its 0.3.0 accepts 1.4+ and 2.x (a bridge).
  // root already accepts 2.x; enterprise's current accepts 2.x too.
  const projects: BatchProject[] = [
    core('1.4.0', [
      { version: '1.5.0', contractsVersion: '1.1.0' },
      { version: '2.0.0', contractsVersion: '2.0.0' },
    ]),
    {
      name: 'finance',
      current: '0.2.0',
      core: 'core',
      requires: { core: { min: '1.0.0', max: '1.x.x', contractsMajor: 1 } },
      releases: [
        { version: '0.3.0', requires: { core: { min: '1.4.0', max: '2.x.x' } } },
        { version: '0.4.0', requires: { core: { min: '2.0.0', max: '2.x.x', contractsMajor: 2 } } },
      ],
    },
    { name: 'root', current: '1.0.0', core: 'core', requires: { core: { min: '1.2.1', max: '2.x.x' } } },
    { name: 'enterprise', current: '3.1.0', core: 'core', requires: { core: { range: '>=1.2 <3' } } },
  ];

  it('upgrades finance first to the release that accepts both cores, then the core; the others stay', () => {
    const plan = planBatch(projects, { root: 'core' });
    expect(plan.blocked).toBe(false);
    expect(plan.dependencyOrder).toEqual(['core', 'enterprise', 'finance', 'root']);
    expect(versions(plan)).toEqual({
      core: '1.4.0→2.0.0',
      enterprise: '3.1.0→3.1.0',
      finance: '0.2.0→0.3.0',
      root: '1.0.0→1.0.0',
    });
    expect(plan.order).toEqual(['finance', 'core']);
    expect(plan.windows).toEqual([]);
    expectConsistent(plan);

    const finance = member(plan, 'finance');
    expect(finance.step).toBe(0);
    expect(finance.reason).toBe(
      'finance 0.2.0 does not accept core 2.0.0 (finance requires core <= 1.x.x; target is 2.0.0; Contracts major mismatch: core 2.0.0 has contracts 2.0.0, finance requires 1); ' +
        '0.3.0 does, and accepts core 1.4.0 too',
    );
    expect(finance.orderReason).toBe('before core: finance 0.3.0 accepts core 1.4.0 and 2.0.0, finance 0.2.0 does not accept core 2.0.0');
    expect(member(plan, 'core').orderReason).toBe('after finance, whose new release accepts both core 1.4.0 and 2.0.0');
    expect(member(plan, 'core').reason).toBe('newest release that every dependent can follow');
    expect(member(plan, 'root').reason).toBe('root 1.0.0 accepts core 2.0.0');
    expect(member(plan, 'root').step).toBeNull();
  });

  it('marks what each failure forces: all-or-nothing undoes everything run so far; keep-going keeps what still fits', () => {
    const plan = planBatch(projects, { root: 'core' });
    // finance failing stays on 0.2.0, which refuses core 2.0.0: keep-going must then skip the core.
    expect(member(plan, 'finance').onFailure).toEqual({ allOrNothing: ['finance'], keepGoing: { rollBack: [], skip: ['core'] } });
    // core failing leaves finance on 0.3.0, which accepts core 1.4.0: nothing else to undo under keep-going.
    expect(member(plan, 'core').onFailure).toEqual({ allOrNothing: ['core', 'finance'], keepGoing: { rollBack: [], skip: [] } });
  });

  it('chooses the newest release of a dependent under --all, and orders by what stays compatible', () => {
    const plan = planBatch(projects, { mode: 'all' });
    expect(versions(plan)).toMatchObject({ core: '1.4.0→2.0.0', finance: '0.2.0→0.4.0' });
    // finance 0.4.0 needs core 2 and finance 0.2.0 refuses core 2: no order keeps the pair compatible.
    expect(plan.order).toEqual(['core', 'finance']);
    expect(plan.windows).toHaveLength(1);
    expect(plan.windows[0]).toMatch(/^between upgrading core to 2\.0\.0 and finance to 0\.4\.0: finance 0\.2\.0 does not accept core 2\.0\.0/);
    expect(member(plan, 'finance').onFailure?.keepGoing).toEqual({ rollBack: ['core'], skip: [] });
    expect(member(plan, 'core').onFailure?.keepGoing).toEqual({ rollBack: [], skip: ['finance'] });
    expectConsistent(plan);
  });
});

describe('planBatch: no joint target', () => {
  const projects: BatchProject[] = [
    core('1.4.0', [{ version: '1.5.0' }, { version: '2.0.0', contractsVersion: '2.0.0' }, { version: '2.1.0', contractsVersion: '2.1.0' }]),
    { name: 'finance', current: '0.2.0', core: 'core', requires: { core: { max: '1.x.x' } }, releases: [{ version: '0.3.0', requires: { core: { max: '1.x.x', contractsMajor: 1 } } }] },
    { name: 'root', current: '1.0.0', core: 'core', requires: { core: { max: '2.x.x' } } },
    { name: 'enterprise', current: '3.1.0', core: 'core', requires: { core: { contractsMajor: 1 } } },
  ];

  it('settles on the newest core every dependent follows and says, per dependent, why not the newest', () => {
    const plan = planBatch(projects, { root: 'core' });
    expect(plan.blocked).toBe(false);
    expect(versions(plan)).toEqual({ core: '1.4.0→1.5.0', enterprise: '3.1.0→3.1.0', finance: '0.2.0→0.2.0', root: '1.0.0→1.0.0' });
    expect(plan.conflicts).toEqual([
      {
        project: 'enterprise',
        against: 'core 2.1.0',
        reasons: ['enterprise 3.1.0 (current): Contracts major mismatch: core 2.1.0 has contracts 2.1.0, enterprise requires 1'],
      },
      {
        project: 'finance',
        against: 'core 2.1.0',
        reasons: [
          'finance 0.3.0: finance requires core <= 1.x.x; target is 2.1.0; Contracts major mismatch: core 2.1.0 has contracts 2.1.0, finance requires 1',
          'finance 0.2.0 (current): finance requires core <= 1.x.x; target is 2.1.0',
        ],
      },
    ]);
    expect(plan.rejectedTargets.map((r) => `${r.project} ${r.version} refused by ${r.refusedBy}`)).toEqual(['core 2.1.0 refused by enterprise']);
    expect(member(plan, 'core').reason).toBe('newest release that every dependent can follow; newer refused: 2.1.0 by enterprise');
    expectConsistent(plan);
  });

  it('stays on the current core when no newer release suits everyone, and is not blocked', () => {
    const only2 = [core('1.4.0', [{ version: '2.0.0', contractsVersion: '2.0.0' }]), ...projects.slice(1)];
    const plan = planBatch(only2, { root: 'core' });
    expect(plan.blocked).toBe(false);
    expect(plan.order).toEqual([]);
    expect(member(plan, 'core').reason).toBe('stays on 1.4.0: no newer release that every dependent can follow; newer refused: 2.0.0 by enterprise');
    expect(plan.conflicts.map((c) => c.project)).toEqual(['enterprise', 'finance']);
  });

  it('blocks an asked target a dependent cannot follow, with the reasons', () => {
    const plan = planBatch(projects, { root: 'core', to: '2.0.0' });
    expect(plan.blocked).toBe(true);
    expect(plan.blockers).toEqual(['core 2.0.0 was asked for, and enterprise has no version that accepts it']);
    expect(plan.conflicts.map((c) => c.project)).toEqual(['enterprise', 'finance']);
    expect(plan.members).toEqual([]);
  });

  it('refuses an asked target that is not a known release', () => {
    const plan = planBatch(projects, { root: 'core', to: '9.0.0' });
    expect(plan.blockers).toEqual(['core 9.0.0 is not a known release newer than 1.4.0']);
  });
});

describe('planBatch: data it cannot trust', () => {
  it('never chooses a dependent release whose requirements were not read, nor a release after an unread one', () => {
    const plan = planBatch(
      [
        core('1.0.0', [{ version: '1.1.0' }, { version: '2.0.0' }]),
        { name: 'app', current: '1.0.0', core: 'core', requires: { core: { max: '1.x.x' } }, releases: [{ version: '1.1.0' }] },
        { name: 'lib', current: '1.0.0', releases: [{ version: '1.1.0', unread: 'offline' }, { version: '1.2.0' }] },
      ],
      { mode: 'all' },
    );
    expect(versions(plan)).toEqual({ app: '1.0.0→1.0.0', core: '1.0.0→1.1.0', lib: '1.0.0→1.0.0' });
    expect(plan.rejectedTargets[0]?.reasons).toContain(
      'app 1.1.0: what app 1.1.0 requires of core was not read (its release gives no requirements), so it is not chosen',
    );
    expect(plan.warnings).toEqual(['lib 1.1.0 was not read (offline); it and every later release of lib are not chosen']);
  });

  it('blocks on a dependency cycle and names it', () => {
    const plan = planBatch(
      [
        { name: 'core', current: '1.0.0', requires: { app: {} } },
        { name: 'app', current: '1.0.0', core: 'core' },
      ],
      { root: 'core' },
    );
    expect(plan.blocked).toBe(true);
    expect(plan.cycles).toEqual(['app → core → app']);
    expect(plan.blockers[0]).toMatch(/^dependency cycle app → core → app/);
  });

  it('blocks when a member’s current version is unknown', () => {
    const plan = planBatch([core('1.0.0', []), { name: 'app', current: null, core: 'core' }], { root: 'core' });
    expect(plan.blockers).toEqual(['the current version of app is not known; nothing in the batch can be planned against it']);
  });
});

describe('planBatch: diamonds', () => {
  it('moves a diamond in dependency order when every dependent already accepts the new versions', () => {
    const plan = planBatch(
      [
        { name: 'base', current: '1.0.0', releases: [{ version: '1.1.0' }] },
        { name: 'a', current: '1.0.0', core: 'base', releases: [{ version: '1.1.0', requires: { base: { min: '1.1.0' } } }] },
        { name: 'b', current: '1.0.0', core: 'base', releases: [{ version: '1.1.0', requires: { base: {} } }] },
        { name: 'top', current: '1.0.0', requires: { a: { max: '1.x' }, b: { max: '1.x' } }, releases: [] },
      ],
      { mode: 'all' },
    );
    expect(plan.dependencyOrder).toEqual(['base', 'a', 'b', 'top']);
    expect(plan.order).toEqual(['base', 'a', 'b']);
    expect(member(plan, 'a').orderReason).toBe('after base: a 1.1.0 does not accept base 1.0.0, a 1.0.0 accepts base 1.1.0');
    expect(member(plan, 'b').orderReason).toBe('after base (dependencies first; either order keeps b and base compatible)');
    expectConsistent(plan);
  });
});
