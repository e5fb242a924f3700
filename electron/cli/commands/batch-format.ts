/** Human text for joint plans, multi-hop paths and batch outcomes (`--json` prints the documented shapes instead). */
import type { BatchMemberRun, BatchOperation, BatchPlan, HopPlan } from '../../../shared/api/types.js';
import type { Style } from '../format.js';
import { formatWhen, systemTime, type TimeContext } from '../time.js';

export function formatBatchPlan(s: Style, p: BatchPlan): string {
  const out: string[] = [];
  out.push(s.bold(p.mode === 'all' ? 'Batch plan: every project, in dependency order' : `Batch plan: ${p.root} and everything that depends on it`));
  if (p.blocked) out.push(s.red(`Blocked: ${p.blockers.join('; ')}`));
  const steps = p.members.filter((m) => m.changes).sort((a, b) => a.step! - b.step!);
  for (const m of steps) {
    out.push(`  ${String(m.step! + 1).padStart(2)}. ${s.bold(m.project)} ${m.from} → ${s.cyan(m.to)}  ${s.dim(m.reason)}`);
    if (m.orderReason) out.push(`      ${s.dim(`order: ${m.orderReason}`)}`);
  }
  for (const m of p.members.filter((x) => !x.changes)) out.push(`   -  ${m.project} ${m.from} stays  ${s.dim(m.reason)}`);
  if (steps.length === 0 && !p.blocked) out.push('  Nothing changes.');
  for (const w of p.windows) out.push(s.yellow(`  Window: ${w}`));
  for (const c of p.conflicts) out.push(s.yellow(`  ${c.project} cannot follow ${c.against}:`), ...c.reasons.map((r) => `    ${r}`));
  for (const r of p.rejectedTargets) out.push(s.dim(`  ${r.project} ${r.version} not chosen: refused by ${r.refusedBy}`));
  for (const w of p.warnings) out.push(s.yellow(`  warning: ${w}`));
  if (steps.length > 0 && !p.blocked) {
    out.push(s.dim('  Each step is an ordinary upgrade (snapshot, install, smoke, health, automatic rollback). If one fails, every step before it is rolled back, last first (--keep-going keeps what succeeded).'));
  }
  return out.join('\n');
}

export function formatHops(s: Style, p: HopPlan): string {
  const out: string[] = [s.bold(`Path: ${p.project} ${[p.from, ...p.hops.map((h) => h.to)].join(' → ')} (${p.hops.length} hops)`)];
  p.hops.forEach((h, i) => {
    out.push(`  Hop ${i + 1}: ${h.from} → ${s.cyan(h.to)}  ${s.dim(h.stop.map((r) => r.reason).join('; '))}`);
    out.push(`    releases: ${h.releases.join(', ')}`);
    for (const b of h.breaking) out.push(`    ${s.yellow('breaking:')} ${b}`);
    for (const d of h.compatibility?.dependents ?? []) out.push(`    ${d.compatible ? s.green('✓') : s.red('✗')} ${d.project}${d.reason ? `: ${d.reason}` : ''}`);
  });
  out.push(s.dim('  Each hop is an ordinary upgrade with its own snapshot, install, smoke and health checks: a checkpoint.'));
  for (const w of p.warnings) out.push(s.yellow(`  warning: ${w}`));
  return out.join('\n');
}

function statusText(s: Style, status: string): string {
  if (status === 'succeeded') return s.green(status);
  if (status === 'partial' || status === 'interrupted' || status === 'rolled_back' || status === 'skipped') return s.yellow(status);
  if (status === 'pending' || status === 'running') return s.dim(status);
  return s.red(status);
}

function memberLine(s: Style, m: BatchMemberRun): string {
  const what = m.hop ? `hop ${m.hop.index}/${m.hop.of} ${m.project} ${m.from ?? '?'} → ${m.to}` : `${m.project} ${m.from ?? '?'} → ${m.to}`;
  const ops = [m.operationId, m.rollbackId ? `rollback ${m.rollbackId}` : null].filter(Boolean).join(', ');
  return `  ${String(m.seq + 1).padStart(2)}. ${what}  ${statusText(s, m.status)}${ops ? s.dim(`  (${ops})`) : ''}${m.reason && m.status !== 'succeeded' ? `\n      ${s.dim(m.reason)}` : ''}`;
}

export function formatBatch(s: Style, b: BatchOperation, time: TimeContext = systemTime()): string {
  const title = b.kind === 'path' ? `Path ${b.root}` : b.mode === 'all' ? 'Batch: every project' : `Batch: ${b.root} with dependents`;
  const out = [`${s.bold(title)}  ${statusText(s, b.status)}  ${s.dim(`${b.id}, ${b.onFailure}, started ${formatWhen(b.startedAt, time)}`)}`];
  for (const m of b.members) out.push(memberLine(s, m));
  if (b.error) out.push(`  ${b.status === 'succeeded' ? '' : s.yellow('→ ')}${b.error}`);
  return out.join('\n');
}
