/**
 * The maintenance windows as the Schedule view and `upshift schedule --json` show them (issue 9 §6): each window in
 * effect — the global ones, and a project's own where its policy (settings or manifest) differs — with its period, its
 * time zone and its next opening. Read only; a project whose manifest cannot be read shows the global windows.
 */
import type { WindowOverview } from '../../../shared/api/contract.js';
import { describePeriod, effectivePolicy, formatWhen, nextOpening, type AutomationConfig, type ProjectAutomationPolicy } from '../../../shared/policy/index.js';
import type { Engine } from '../engine/index.js';

export function windowsOverview(engine: Engine, settings: AutomationConfig, timeZone: string, now: Date): WindowOverview[] {
  const global = effectivePolicy(settings, '\0global');
  const out: WindowOverview[] = describe(global, null, timeZone, now);
  const globalKey = JSON.stringify([global.windows, global.blackouts, global.timeZone]);
  for (const record of engine.store.listProjects()) {
    let manifest: ProjectAutomationPolicy | null = null;
    try {
      manifest = engine.context(record.name).manifest.automation ?? null;
    } catch {
      // Unreadable: the schedule says so for the project; its windows are the global ones.
    }
    const policy = effectivePolicy(settings, record.name, manifest);
    if (JSON.stringify([policy.windows, policy.blackouts, policy.timeZone]) === globalKey) continue;
    out.push(...describe(policy, record.name, timeZone, now));
  }
  return out;
}

function describe(policy: ReturnType<typeof effectivePolicy>, project: string | null, systemZone: string, now: Date): WindowOverview[] {
  const tz = policy.timeZone ?? systemZone;
  return policy.windows.map((w) => {
    const zone = w.timeZone ?? tz;
    const o = nextOpening([w], now, { timeZone: tz, blackouts: policy.blackouts });
    const except = (w.except ?? []).map((e) => describePeriod(e));
    return {
      name: w.name,
      project,
      period: `${describePeriod(w)}${except.length > 0 ? `, except ${except.join(', ')}` : ''}`,
      timeZone: zone,
      next: o
        ? {
            start: o.start.toISOString(),
            end: o.end.toISOString(),
            open: o.start.getTime() <= now.getTime(),
            text: o.start.getTime() <= now.getTime() ? `open now, until ${formatWhen(o.end.getTime(), zone, now.getTime())}` : `opens ${formatWhen(o.start.getTime(), zone, now.getTime())}`,
          }
        : null,
    };
  });
}
