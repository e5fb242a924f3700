/**
 * `upshift doctor [--json]`: checks what Upshift depends on and says what to fix — git (≥ 2.38 for merge-tree), the
 * state directory (writable, free space, `PRAGMA quick_check`, the verified backup's age), where a GitHub token comes
 * from (never the token), the notification channels' health, the allowed signers of `verify:`, the daemon, and each
 * watched project (path, git repository, manifest, remote). Each line is OK, WARN or FAIL; exit 1 when any FAILs.
 */
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../core/engine/index.js';
import { runGit } from '../../core/git/core.js';
import { backupPath, readBackupInfo } from '../../core/state/backup.js';
import { resolveToken } from '../../core/source/github/token.js';
import { gpgAvailable, readAllowedSigners } from '../../core/trust/index.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';
import { cliNotifyHub } from './notify.js';

export type DoctorLevel = 'ok' | 'warn' | 'fail';

export interface DoctorLine {
  area: string;
  level: DoctorLevel;
  message: string;
  /** What to do about it (WARN and FAIL). */
  fix: string | null;
}

interface DoctorIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
}

/** merge-tree --write-tree (the stash-return prediction) needs git 2.38. */
export const MIN_GIT = [2, 38] as const;
const LOW_SPACE = 200 * 1024 * 1024;
const DAY = 86_400_000;

const line = (area: string, level: DoctorLevel, message: string, fix: string | null = null): DoctorLine => ({ area, level, message, fix });

async function gitLine(): Promise<DoctorLine> {
  try {
    const r = await runGit(['--version'], { cwd: process.cwd() });
    const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(r.stdout);
    const [maj, min] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
    const ok = maj > MIN_GIT[0] || (maj === MIN_GIT[0] && min >= MIN_GIT[1]);
    return ok ? line('git', 'ok', r.stdout.trim()) : line('git', 'fail', `${r.stdout.trim()} is older than 2.38`, 'Install git 2.38 or newer: Upshift predicts merges with `git merge-tree --write-tree`.');
  } catch (err) {
    return line('git', 'fail', `git cannot be run: ${(err as Error).message}`, 'Install git (2.38 or newer) and put it on PATH.');
  }
}

function stateLines(engine: Engine, now: number): DoctorLine[] {
  const home = engine.store.paths.home;
  const out: DoctorLine[] = [];
  try {
    accessSync(home, constants.W_OK);
    out.push(line('state', 'ok', `${home} is writable`));
  } catch {
    out.push(line('state', 'fail', `${home} is not writable`, `Make it writable (chmod u+w ${home}) or point UPSHIFT_HOME elsewhere.`));
  }
  try {
    const s = statfsSync(home);
    const free = Number(s.bavail) * Number(s.bsize);
    const mb = Math.round(free / 1024 / 1024);
    out.push(free < LOW_SPACE ? line('state', 'warn', `only ${mb} MB free where the state directory is`, 'Free some space: upgrades need 100 MB and the database and logs grow.') : line('state', 'ok', `${mb} MB free`));
  } catch (err) {
    out.push(line('state', 'warn', `free space unknown: ${(err as Error).message}`));
  }
  try {
    const rows = engine.store.database.pragma('quick_check') as Array<{ quick_check: string }>;
    const bad = rows.filter((r) => r.quick_check !== 'ok');
    out.push(bad.length === 0 ? line('state', 'ok', 'database quick_check: ok') : line('state', 'fail', `database quick_check: ${bad.map((r) => r.quick_check).slice(0, 3).join('; ')}`, 'Run `upshift state restore` to restore the verified backup.'));
  } catch (err) {
    out.push(line('state', 'fail', `database cannot be checked: ${(err as Error).message}`, 'Run `upshift state` to see what is wrong, then `upshift state restore`.'));
  }
  const info = readBackupInfo(backupPath(home));
  if (!info) out.push(line('state', 'warn', 'no verified backup of the database yet', 'It is taken after the next successful operation, or by the app; `upshift state` shows it.'));
  else {
    const age = now - Date.parse(info.takenAt);
    const days = Math.floor(age / DAY);
    out.push(age > 7 * DAY ? line('state', 'warn', `the backup is ${days} days old (${info.takenAt})`, 'Run any upgrade or open the app to refresh it; `upshift state` shows what it holds.') : line('state', 'ok', `backup taken ${info.takenAt}`));
  }
  return out;
}

async function tokenLine(env: NodeJS.ProcessEnv): Promise<DoctorLine> {
  if (env.GITHUB_TOKEN?.trim()) return line('token', 'ok', 'GitHub token from GITHUB_TOKEN (not shown)');
  if (env.GH_TOKEN?.trim()) return line('token', 'ok', 'GitHub token from GH_TOKEN (not shown)');
  const r = await resolveToken(env, null).catch(() => null);
  if (r) return line('token', 'ok', `GitHub token from ${r.source === 'gh' ? '`gh auth token`' : r.source} (not shown)`);
  return line('token', 'warn', 'no GitHub token: the GitHub API allows 60 requests an hour without one', 'Only matters for `source.type: github`: set GITHUB_TOKEN or run `gh auth login`.');
}

function channelLines(engine: Engine): DoctorLine[] {
  try {
    const hub = cliNotifyHub(engine);
    const { problems } = hub.channels('all');
    const health = hub.health();
    const out = health.map((h) =>
      h.state === 'unhealthy'
        ? line('notify', 'warn', `${h.name}: unhealthy${h.lastError ? ` (${h.lastError})` : ''}`, `Fix the channel, then \`upshift notify test ${h.name}\`.`)
        : line('notify', 'ok', `${h.name}: ${h.state}`),
    );
    for (const p of problems) out.push(line('notify', 'warn', p, 'Fix or remove the channel: `upshift notify list` names it.'));
    return out.length > 0 ? out : [line('notify', 'ok', 'no notification channels configured (desktop notifications only in the app)')];
  } catch (err) {
    return [line('notify', 'warn', `channels cannot be read: ${(err as Error).message}`, 'Run `upshift notify list`.')];
  }
}

/** The daemon's unit file, where the scheduler work installs it (systemd user unit / launchd agent). */
function daemonLine(): DoctorLine {
  const home = process.env.HOME ?? '';
  const units = [join(home, '.config/systemd/user/upshift.service'), join(home, 'Library/LaunchAgents/dev.upshift.daemon.plist')];
  const found = units.find((u) => existsSync(u));
  return found ? line('daemon', 'ok', `installed (${found})`) : line('daemon', 'ok', 'not installed (checks run when the app or `upshift serve` runs)');
}

async function projectLines(engine: Engine): Promise<DoctorLine[]> {
  const out: DoctorLine[] = [];
  for (const p of engine.listProjects().projects) {
    const area = `project ${p.name}`;
    if (!existsSync(p.path)) {
      out.push(line(area, 'fail', `${p.path} does not exist`, `Restore the checkout, or \`upshift remove ${p.name}\`.`));
      continue;
    }
    let manifest;
    try {
      manifest = engine.context(p.name).manifest;
    } catch (err) {
      out.push(line(area, 'fail', `manifest invalid: ${(err as Error).message.split('\n')[0]}`, `Fix the manifest (\`upshift config ${p.name}\` shows every setting and where it comes from).`));
      continue;
    }
    if ((manifest.kind ?? 'git') === 'git') {
      const top = await runGit(['rev-parse', '--show-toplevel'], { cwd: p.path, expectedExitCodes: [0, 128] }).catch(() => null);
      if (!top || top.exitCode !== 0) {
        out.push(line(area, 'fail', `${p.path} is not a git repository`, `Clone it again there, or \`upshift remove ${p.name}\`.`));
        continue;
      }
      if (manifest.source.type === 'git') {
        const remote = await runGit(['remote', 'get-url', '--', manifest.source.remote], { cwd: p.path, expectedExitCodes: [0, 2, 128] }).catch(() => null);
        if (!remote || remote.exitCode !== 0) {
          out.push(line(area, 'warn', `no remote "${manifest.source.remote}": releases can only come from local tags`, `Add it: git -C ${p.path} remote add ${manifest.source.remote} <url>.`));
        }
      }
    }
    if (!out.some((l) => l.area === area)) out.push(line(area, 'ok', `${p.path}: manifest valid${manifest.source.type === 'git' && (manifest.kind ?? 'git') === 'git' ? `, remote ${manifest.source.remote}` : ''}`));
    if (manifest.verify?.ssh) {
      const s = readAllowedSigners(manifest.verify.ssh.allowedSigners);
      out.push(
        s.problems.length > 0
          ? line(`signers ${p.name}`, 'fail', `${manifest.verify.ssh.allowedSigners}: ${s.problems.join('; ')}`, 'Fix the allowed-signers file (one "principal key-type base64-key" per line): until then every upgrade is refused.')
          : line(`signers ${p.name}`, 'ok', `${s.principals.length} allowed SSH signer(s): ${s.principals.slice(0, 5).join(', ')}`),
      );
    }
    if (manifest.verify?.gpg) {
      const k = manifest.verify.gpg.keyring;
      if (!existsSync(k)) out.push(line(`signers ${p.name}`, 'fail', `keyring ${k} does not exist`, 'Export the allowed public keys there (gpg --export --armor KEY > file).'));
      else if (!gpgAvailable()) out.push(line(`signers ${p.name}`, 'fail', 'verify.gpg needs gpg, which is not installed', 'Install GnuPG (apt-get install gnupg, brew install gnupg).'));
      else out.push(line(`signers ${p.name}`, 'ok', `OpenPGP keyring ${k}`));
    }
  }
  if (out.length === 0) out.push(line('projects', 'ok', 'no watched projects (`upshift add <path>`)'));
  return out;
}

/** Every check, in the order shown. */
export async function runDoctor(engine: Engine, env: NodeJS.ProcessEnv = process.env): Promise<DoctorLine[]> {
  const now = Date.now();
  return [await gitLine(), ...stateLines(engine, now), await tokenLine(env), ...channelLines(engine), daemonLine(), ...(await projectLines(engine))];
}

export async function doctorCommand(_cmd: ParsedCommand, engine: Engine, io: DoctorIo): Promise<ExitCodeValue> {
  const lines = await runDoctor(engine);
  const failed = lines.some((l) => l.level === 'fail');
  const s = io.style;
  const tag = (l: DoctorLevel) => (l === 'ok' ? s.green('OK  ') : l === 'warn' ? s.yellow('WARN') : s.red('FAIL'));
  io.print({ ok: !failed, checks: lines }, () =>
    [
      ...lines.map((l) => `${tag(l.level)} ${l.area.padEnd(18)} ${l.message}${l.fix ? `\n     ${s.dim(`→ ${l.fix}`)}` : ''}`),
      failed ? s.red('Some checks FAILED: fix them as shown above (exit 1).') : s.green('Nothing failed.'),
    ].join('\n'),
  );
  return failed ? ExitCode.failed : ExitCode.ok;
}
