/**
 * `upshift state [status|restore]`: the state directory's health (database, verified backup, projects mirror) and
 * the way back from a damaged database. It never opens the engine — that would fail on the very database it is
 * about — and never runs crash recovery.
 */
import { usageError } from '../core/errors.js';
import { formatWhen, systemTime, type TimeContext } from './time.js';
import {
  fileFacts,
  inspectState,
  maintainBackup,
  resolveHome,
  restoreState,
  stateFailure,
  type RestoreReport,
  type StateHealth,
  type StateStore,
} from '../core/state/index.js';
import type { ParsedCommand } from './args.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Style } from './format.js';

interface StateIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
  env: NodeJS.ProcessEnv;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function names(list: readonly string[]): string {
  return list.length === 0 ? '' : `: ${list.join(', ')}`;
}

export function formatStateHealth(s: Style, h: StateHealth, time: TimeContext = systemTime()): string {
  const lines = [`State directory ${h.home}`];
  const db = h.database;
  const facts = fileFacts(db.file);
  if (!db.exists) lines.push(`  database  ${db.file} — not created yet`);
  else if (db.ok) lines.push(`  database  ${db.file} — ${s.green('ok')}: ${plural(db.projects?.length ?? 0, 'project')}, ${plural(db.operations ?? 0, 'operation')}${db.running ? `, ${db.running} running` : ''}${facts ? s.dim(` (${facts.bytes} bytes)`) : ''}`);
  else if (db.status === 'unavailable') lines.push(`  database  ${db.file} — ${s.red('CANNOT BE OPENED')}: ${db.failure?.message ?? db.problem ?? 'unknown'}`);
  else lines.push(`  database  ${db.file} — ${s.red('DAMAGED')}: ${db.problem ?? 'unreadable'}`);
  const b = h.backup;
  if (!b.exists) lines.push(`  backup    ${b.file} — none yet (one is taken after a command when no operation is unfinished, at most every 10 minutes, and daily)`);
  else if (b.ok && b.info) {
    const last = b.info.lastOperation;
    lines.push(
      `  backup    ${b.file} — ${s.green('verified')}, taken ${formatWhen(b.info.takenAt, time)}: ${plural(b.info.projects.length, 'project')}${names(b.info.projects)}; ${plural(b.info.operations, 'operation')}${last ? `, the last ${last.id} (${last.kind} ${last.project}, ${last.status}, ${formatWhen(last.at, time)})` : ''}`,
    );
  } else lines.push(`  backup    ${b.file} — ${s.red('unusable')}: ${b.problem ?? 'unknown'}`);
  const m = h.mirror;
  if (!m.exists) lines.push(`  mirror    ${m.file} — none yet (written whenever projects or settings change)`);
  else if (m.ok) lines.push(`  mirror    ${m.file} — written ${formatWhen(m.writtenAt, time)}: ${plural(m.projects?.length ?? 0, 'project')}${names(m.projects ?? [])}`);
  else lines.push(`  mirror    ${m.file} — ${s.red('unusable')}: ${m.problem ?? 'unknown'}`);
  for (const c of h.corruptCopies) lines.push(`  moved aside earlier: ${c}`);
  if (db.status === 'damaged') {
    lines.push(
      b.ok
        ? `Run \`upshift state restore\` to move the damaged database aside and restore the backup taken ${formatWhen(b.info?.takenAt ?? null, time)}.`
        : m.ok
          ? `Run \`upshift state restore\` to move the damaged database aside and rebuild the projects from ${m.file} (the history is not in it).`
          : `There is no backup and no mirror to restore from: move ${db.file} aside and add your projects again.`,
    );
  }
  return lines.join('\n');
}

export function formatRestore(s: Style, r: RestoreReport, time: TimeContext = systemTime()): string {
  const lines: string[] = [];
  if (r.movedAside.length > 0) lines.push(`Moved the damaged database aside (kept, not deleted): ${r.movedAside.join(', ')}`);
  else lines.push(`There was no ${r.home}/state.db to move aside.`);
  if (r.source === 'backup' && r.backup) {
    const last = r.backup.lastOperation;
    lines.push(
      `${s.green('Restored the verified backup')} taken ${formatWhen(r.backup.takenAt, time)}: ${plural(r.projects.length, 'project')}${names(r.projects)}; ${plural(r.operations, 'operation')} in the history${last ? `, the last ${last.id} (${last.kind} ${last.project}, ${last.status}, ${formatWhen(last.at, time)})` : ''}.`,
    );
    if (r.mirror?.used) {
      lines.push(
        `The projects mirror ${r.mirror.file} (written ${formatWhen(r.mirror.writtenAt, time)}) is newer than the backup: projects and settings were brought up to date from it${r.projectsAdded.length ? `; added back ${r.projectsAdded.join(', ')}` : ''}${r.projectsRemoved.length ? `; removed again ${r.projectsRemoved.join(', ')}` : ''}.`,
      );
    }
  } else {
    lines.push(`${s.yellow('No usable backup')} (${r.backupProblem ?? 'none'}).`);
    lines.push(
      `${s.green('Rebuilt the projects')} from ${r.mirror?.file ?? 'projects.json'} (written ${formatWhen(r.mirror?.writtenAt ?? null, time)}): ${plural(r.projects.length, 'project')}${names(r.projects)}, with their settings. The history, last checks and update decisions were not in it: they start empty.`,
    );
  }
  if (r.lost.readable && r.lost.operations.length > 0) {
    lines.push(`Lost: ${r.lost.note}:`);
    for (const o of r.lost.operations) lines.push(`  ${o.id}  ${o.kind} ${o.project}  ${o.status}  started ${formatWhen(o.startedAt, time)}`);
  } else lines.push(`Lost: ${r.lost.note}.`);
  for (const o of r.lost.unfinished) {
    lines.push(
      `${s.red('warning:')} operation ${o.id} (${o.kind} ${o.project}) was still running when the database was damaged, and its journal is gone: check ${o.project}'s checkout with \`git status\`; the commit it started from is refs/upshift/snapshots/${o.id}.`,
    );
  }
  lines.push('Logs and snapshots of every operation stay where they were, under logs/ and snapshots/.');
  return lines.join('\n');
}

/** Runs `upshift state [status|restore]`. */
export function stateCommand(cmd: ParsedCommand, io: StateIo): ExitCodeValue {
  const [action = 'status'] = cmd.positionals;
  if (action !== 'status' && action !== 'restore') throw usageError('BAD_ARGUMENTS', `"${action}" is neither status nor restore. Usage: ${cmd.spec.usage}`);
  const home = resolveHome(io.env);
  if (action === 'restore') {
    const report = restoreState(home);
    io.print({ restore: report }, () => formatRestore(io.style, report));
    return ExitCode.ok;
  }
  const health = inspectState(home);
  io.print({ state: health }, () => formatStateHealth(io.style, health));
  return health.database.exists && !health.database.ok ? ExitCode.state : ExitCode.ok;
}

/**
 * After a command: takes a verified backup when one is due (see maintainBackup). Never fails the command — a
 * backup that cannot be written is reported as a warning naming why.
 */
export async function keepBackup(store: StateStore, warn: (line: string) => void): Promise<void> {
  if (store.isClosed) return;
  try {
    const outcome = await maintainBackup(store.database, store.paths.home);
    if (!outcome.taken && outcome.reason === 'failed') warn(`warning: no new state backup: ${outcome.detail}.`);
  } catch (err) {
    const failure = stateFailure(err, { home: store.paths.home, target: `${store.paths.home}/state.db.backup`, phase: 'use' });
    warn(`warning: could not back up the state: ${(failure ?? (err as Error)).message.split('. ')[0]}; the previous backup was kept.`);
  }
}
