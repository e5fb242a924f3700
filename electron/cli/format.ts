import type {
  CheckResult,
  CommitsAhead,
  HistoryResult,
  ListResult,
  Operation,
  JsonValue,
  ProjectCheck,
  SettingOrigin,
  StatusResult,
  UpgradePlan,
} from '../../shared/api/types.js';
import { formatWhen, systemTime, type TimeContext } from './time.js';
import { releaseNoteLines } from './release-notes.js';
import { checkTrustLines, eolBadge, verificationLine } from './trust-format.js';

import type { Style } from './style.js';
export { makeStyle, type Style } from './style.js';

const v = (x: string | null | undefined) => x ?? '?';

/** `v1.12.0-25-ga7dcc3a: 25 commits after v1.12.0, on origin/master` — or `…, 3 only in this clone`. */
export function aheadText(a: CommitsAhead): string {
  const where = a.localOnly === a.count ? (a.count === 1 ? 'only in this clone' : 'all only in this clone') : a.localOnly > 0 ? `${a.localOnly} only in this clone` : a.remoteBranches.length > 0 ? `on ${a.remoteBranches.slice(0, 3).join(', ')}` : 'on the remote';
  return `${a.describe}: ${a.count === 1 ? '1 commit' : `${a.count} commits`} after ${a.tag}, ${where}`;
}

function riskText(s: Style, level: string | undefined): string {
  if (level === 'high') return s.red('high');
  if (level === 'medium') return s.yellow('medium');
  if (level === 'low') return s.green('low');
  return '-';
}

export function formatList(r: ListResult): string {
  if (r.projects.length === 0) return 'No projects are watched yet. Add one with `upshift add <path>`.';
  return r.projects
    .map((p) => `${p.name.padEnd(20)} ${p.path}${p.core ? `  (core: ${p.core})` : ''}  [${p.manifest}${p.config ? ' + config' : ''}, ${p.channel}]`)
    .join('\n');
}

function checkLine(s: Style, p: ProjectCheck): string {
  if (p.error && p.latest) {
    // The note on the releases seen last quotes the failure the line above already says: said once.
    const said = ` (${p.error.message.split('\n')[0]})`;
    return [`${s.bold(p.name)}: ${s.red('check failed')}: ${p.error.message}`, `  latest seen: ${p.latest.version}`, ...p.blockers.map((n) => `  ${s.dim('note')}: ${n.replace(said, '')}`)].join('\n');
  }
  if (p.error) return `${s.bold(p.name)}: ${s.red('check failed')}: ${p.error.message}`;
  const cur = `${v(p.current.version)}${p.current.ahead ? s.dim(` (${aheadText(p.current.ahead)})`) : p.current.source === 'tag' ? '' : s.dim(` (${p.current.source})`)}`;
  // A local-only project (no remote): a normal state, said plainly, not a failed check.
  if (p.noSource) return `${s.bold(p.name)}: ${cur} — no release source (no git remote; nothing to check)`;
  const lines = [`${s.bold(p.name)}: ${cur}${eolBadge(s, p.support)}`];
  if (!p.latest) lines[0] += ' — no releases found';
  else if (!p.updateAvailable) lines[0] += ` — up to date (latest ${p.latest.version})`;
  else {
    lines[0] += ` → ${s.cyan(p.latest.version)} (${p.bump}, risk ${riskText(s, p.risk?.level)}, gate ${p.gate})`;
    if (p.compatible === false) {
      lines.push(`  ${s.red('blocked')}: ${p.blockers.join('; ')}`);
      lines.push(p.latestCompatible ? `  latest compatible: ${s.cyan(p.latestCompatible.version)}` : '  no compatible newer release');
    } else if (p.compatible === null) {
      // Its metadata (or that of a release before it) was not read: not known to be compatible (the notes say why).
      lines.push(p.latestCompatible ? `  latest compatible: ${s.cyan(p.latestCompatible.version)}; ${p.latest.version} not verified` : `  ${p.latest.version} not verified compatible; no newer release is`);
    }
  }
  // The gates choose the default target too: name what `upgrade` installs and what needs an explicit --to.
  if (p.updateAvailable && p.explicitChoice) {
    lines.push(p.offered ? `  offered: ${s.cyan(p.offered.version)} (\`upshift upgrade ${p.name}\`)` : '  nothing newer is installed without an explicit choice');
    lines.push(`  ${s.yellow(p.explicitChoice.message)}`);
  }
  lines.push(...checkTrustLines(s, p));
  // Not blockers of a dependent: what the strategy left out, stale releases, and the like.
  if (p.compatible !== false) for (const note of p.blockers) lines.push(`  ${s.dim('note')}: ${note}`);
  return lines.join('\n');
}

export function formatCheck(s: Style, r: CheckResult): string {
  if (r.projects.length === 0) return 'No projects are watched yet. Add one with `upshift add <path>`.';
  return r.projects.map((p) => checkLine(s, p)).join('\n');
}

export function formatPlan(s: Style, p: UpgradePlan): string {
  const out: string[] = [];
  out.push(s.bold(`Plan: ${p.project} ${v(p.from.version)} → ${v(p.to.version)}`) + s.dim(`  (${v(p.from.tag ?? p.from.ahead?.describe)} ${short(p.from.sha)} → ${v(p.to.tag)} ${short(p.to.sha)})`));
  if (p.from.ahead) out.push(`From ${aheadText(p.from.ahead)}${p.from.branch ? `, on branch ${p.from.branch}` : ''}`);
  // First what leaves the working tree and what happens to the branch (issue 8 §1).
  for (const w of p.warnings ?? []) out.push(s.yellow(`! ${w}`));
  const signature = verificationLine(s, p.verification);
  if (signature) out.push(signature);
  if (p.support?.target && (p.support.target.eol || p.support.target.soon)) out.push(`Support of ${v(p.to.version)}:${eolBadge(s, p.support.target)} ${p.support.target.message}`);
  out.push(`Bump ${p.bump}, gate ${p.gate}, risk ${riskText(s, p.risk.level)}`);
  for (const r of p.risk.reasons) out.push(`  - ${r}`);
  if (p.explicitChoice) {
    const itself = p.explicitChoice.version === p.to.version;
    out.push(s.yellow(itself ? `Needs an explicit choice: ${p.explicitChoice.message}` : `Not chosen by default: ${p.explicitChoice.message}`));
  }
  if (p.compatibility.dependents.length > 0) {
    out.push('Dependents:');
    for (const d of p.compatibility.dependents) out.push(`  ${d.compatible ? s.green('ok     ') : s.red('blocked')} ${d.project}: ${d.reason}`);
  }
  if (p.blocked) out.push(s.red(`BLOCKED: ${p.blockers.join('; ')}`));
  if (p.uncommittedWork) {
    const w = p.uncommittedWork;
    out.push(
      w.appliesCleanly
        ? `Uncommitted work: applies cleanly on ${v(p.to.version)} once stashed (upgrade with --stash).`
        : s.yellow(`Uncommitted work: would not apply on ${v(p.to.version)} — conflicts: ${[...w.conflicts, ...w.untrackedCollisions].join(', ')}.`),
    );
  }
  if (p.releaseNotes.length > 0) {
    out.push('Release notes:');
    for (const n of p.releaseNotes) out.push(...releaseNoteLines(s, n));
  }
  out.push(`Commits: ${p.commits.count}`);
  for (const c of p.commits.items.slice(0, 15)) out.push(`  ${c.sha.slice(0, 8)} ${c.subject}`);
  if (p.commits.count > 15) out.push(s.dim(`  … ${p.commits.count - 15} more`));
  if (p.diffstat) out.push(`Diff: ${p.diffstat.filesChanged} files changed, +${p.diffstat.insertions} -${p.diffstat.deletions}`);
  if (p.settings && p.settings.length > 0) out.push('Settings:', ...formatSettings(s, p.settings, '  '));
  out.push('Steps:');
  p.steps.forEach((st, i) => out.push(`  ${i + 1}. ${st.title}${st.command ? s.dim(`\n       $ ${st.command}`) : ''}`));
  out.push(`Estimated time: ${p.estimatedSeconds === null ? 'unknown (no past upgrades of this project)' : `${p.estimatedSeconds} s`}`);
  return out.join('\n');
}

function short(sha: string | null): string {
  return sha ? sha.slice(0, 8) : '?';
}

function ms(d: number | null): string {
  if (d === null) return '-';
  return d < 1000 ? `${d} ms` : `${(d / 1000).toFixed(1)} s`;
}

/** One operation; its start in the user's time zone, relative when recent (`time` is injected by tests). */
export function formatOperation(s: Style, op: Operation, time: TimeContext = systemTime()): string {
  const status =
    op.status === 'succeeded'
      ? s.green(op.status)
      : op.status === 'rolled_back' || op.status === 'blocked' || op.status === 'cancelled'
        ? s.yellow(op.status)
        : op.status === 'running'
          ? s.cyan(op.status)
          : s.red(op.status);
  const out = [`${s.bold(op.id)} ${op.kind} ${op.project} ${v(op.from.version)} → ${v(op.to.version)}: ${status} ${s.dim(`(${ms(op.durationMs)}, ${formatWhen(op.startedAt, time)}, ${op.user}@${op.host})`)}`];
  for (const st of op.steps) {
    if (st.status === 'pending' || st.status === 'skipped') continue;
    const mark = st.status === 'succeeded' ? s.green('✓') : st.status === 'failed' ? s.red('✗') : st.status === 'cancelled' ? s.yellow('⊘') : '•';
    out.push(`  ${mark} ${st.id.padEnd(18)} ${ms(st.durationMs).padStart(8)}${st.error ? `  ${s.red(st.error.split('\n')[0]!)}` : ''}`);
  }
  if (op.error) out.push(`  ${op.error.split('\n').join('\n  ')}`);
  if (op.status === 'cancelled' || op.status === 'rolled_back') {
    const at = op.from.sha ? ` (${op.from.sha.slice(0, 12)})` : '';
    out.push(`  ${op.project} is back on ${op.from.version ?? 'the version before'}${at}${op.kind === 'upgrade' ? '; uncommitted work that was stashed is back in the tree' : ''}.`);
  }
  const failed = op.steps.find((st) => st.status === 'failed' && st.outputExcerpt);
  if (failed?.outputExcerpt) {
    out.push(s.dim(`  output of ${failed.id} (last lines):`));
    for (const line of failed.outputExcerpt.trimEnd().split('\n').slice(-12)) out.push(s.dim(`    ${line}`));
  }
  if (op.manualRecovery) out.push(s.red('  To finish by hand:'), ...op.manualRecovery.split('\n').map((l) => `    ${l}`));
  return out.join('\n');
}

export function formatHistory(s: Style, r: HistoryResult, time: TimeContext = systemTime()): string {
  if (r.operations.length === 0) return 'No operations yet.';
  return r.operations.map((op) => formatOperation(s, op, time)).join('\n');
}

export function formatStatus(s: Style, r: StatusResult, time: TimeContext = systemTime()): string {
  if (r.projects.length === 0) return 'No projects are watched yet. Add one with `upshift add <path>`.';
  return r.projects
    .map((p) => {
      const latest = p.latest ? p.latest.version : 'unknown';
      const upd = p.noSource ? 'no release source' : p.updateAvailable ? s.cyan(`update to ${latest}`) : `latest ${latest}`;
      const busy = p.operationInProgress ? s.yellow(`  ${p.operationInProgress.kind} ${p.operationInProgress.id} in progress (pid ${p.operationInProgress.pid})`) : '';
      const compat = p.compatible === false ? s.red(' blocked') : '';
      return `${s.bold(p.name.padEnd(20))} ${v(p.current.version).padEnd(12)} ${upd}, risk ${riskText(s, p.risk?.level)}${compat}, checked ${formatWhen(p.lastCheck, time)}${busy}`;
    })
    .join('\n');
}

/** `upshift offline [on|off]`: what it is now, why, and what the change did (or could not do). */
export function formatOffline(r: { offline: boolean; source: 'env' | 'setting' | null; setting: boolean; env: boolean }, change?: 'on' | 'off'): string {
  const lines: string[] = [];
  if (change === 'on') lines.push('Offline mode on: checks use the releases seen last, plans and upgrades use local tags only; nothing uses the network.');
  if (change === 'off') lines.push(r.env ? 'The offline setting is off.' : 'Offline mode off: checks ask the remotes again.');
  if (change === undefined) {
    if (r.source === 'env') lines.push(`Offline: on, because UPSHIFT_OFFLINE is set in this environment (the setting is ${r.setting ? 'on' : 'off'}).`);
    else if (r.source === 'setting') lines.push('Offline: on (the offline setting; `upshift offline off` goes back online).');
    else lines.push('Offline: off. `upshift offline on` stops all network use.');
    lines.push("A project's manifest can also say `offline: true` for that project alone.");
  } else if (change === 'off' && r.env) {
    lines.push('UPSHIFT_OFFLINE is still set in this environment, so commands run from it stay offline.');
  }
  return lines.join('\n');
}

/** A value as a person reads it: text as is, anything else as JSON, nothing as `none`. */
export function showValue(v: JsonValue): string {
  if (v === null) return 'none';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** `manifest upshift.yml`, `config /home/me/.local/share/upshift/projects/core/upshift.yml`, `override`, `default`. */
export function showOrigin(o: Pick<SettingOrigin, 'source' | 'file'>): string {
  if (o.source === 'override') return 'dashboard override';
  if (o.source === 'default') return 'default';
  return `${o.source === 'config' ? 'config' : 'manifest'} ${o.file ?? ''}`.trim();
}

/** Settings one per line: key, value, where it comes from. */
export function formatSettings(s: Style, settings: readonly SettingOrigin[], indent = ''): string[] {
  const width = Math.max(0, ...settings.map((o) => o.key.length));
  return settings.map((o) => `${indent}${o.key.padEnd(width)}  ${showValue(o.value)}  ${s.dim(`(${showOrigin(o)})`)}`);
}

/** What `add` says about the tag pattern it detected when the checkout has no manifest (engine/tag-scheme.ts). */
export function formatTagScheme(name: string, scheme: { pattern: string; matched: number; example: string; from: { remote: string } | 'local'; chosen: boolean }): string {
  const where = scheme.from === 'local' ? 'local tags' : `remote ${scheme.from.remote}`;
  const seen = `Tags look like ${scheme.example} (${scheme.matched} on ${where})`;
  return scheme.chosen
    ? `${seen}: tag pattern "${scheme.pattern}" chosen, kept in Upshift's configuration for ${name} (\`upshift config ${name} source.tagPattern\` shows or changes it).`
    : `${seen}: the default tag pattern "${scheme.pattern}" fits.`;
}
