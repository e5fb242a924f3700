/**
 * `upshift daemon [install|uninstall|status]` (issue 9 §2): the scheduler without a desktop session. `daemon` alone runs
 * it in the foreground — the scheduler loop (leader of the state directory, or standing by while the tray app or
 * `serve` leads), a check of every project each hour (`UPSHIFT_DAEMON_CHECK_MINUTES`), and the notification outbox's
 * delivery — until SIGTERM or SIGINT, which stop it cleanly (an upgrade in progress is rolled back, the lease given up,
 * exit 0). `install` writes a systemd --user unit or a launchd agent and prints the command that enables it.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { Engine } from '../../core/engine/index.js';
import { daemonUnit, Scheduler, SchedulerLease, type TickResult } from '../../core/scheduler/index.js';
import { systemClock } from '../../core/service/clock.js';
import { deviceProbe } from '../../core/service/device.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';
import { cliNotifyHub } from './notify.js';

interface DaemonIo {
  print: (doc: unknown, human: () => string) => void;
  err: (text: string) => void;
  style: Style;
}

function unitFor(env: NodeJS.ProcessEnv) {
  const cli = process.argv[1] ?? 'upshift';
  return daemonUnit(process.platform, { node: process.execPath, cli, stateHome: env.UPSHIFT_HOME ?? null, home: env.HOME ?? homedir() });
}

export async function daemonCommand(cmd: ParsedCommand, io: DaemonIo, env: NodeJS.ProcessEnv = process.env): Promise<ExitCodeValue> {
  const [action = 'run'] = cmd.positionals;
  const unit = unitFor(env);
  switch (action) {
    case 'install': {
      mkdirSync(dirname(unit.path), { recursive: true });
      writeFileSync(unit.path, unit.content);
      io.print({ installed: unit.path, kind: unit.kind, enable: unit.enable }, () => `Wrote ${unit.path}.\nStart it now and at every login with:\n  ${unit.enable}`);
      return ExitCode.ok;
    }
    case 'uninstall': {
      const had = existsSync(unit.path);
      if (had) rmSync(unit.path);
      io.print({ removed: had ? unit.path : null, disable: unit.disable }, () =>
        had ? `Removed ${unit.path}.\nIf it was running, stop it with:\n  ${unit.disable}` : `${unit.path} was not installed; nothing was changed.`,
      );
      return ExitCode.ok;
    }
    case 'status': {
      const engine = await Engine.open();
      try {
        const holder = SchedulerLease.holder(engine.store);
        const live = holder && (holder.state === 'alive' || holder.state === 'other-host') ? holder : null;
        const installed = existsSync(unit.path);
        io.print({ installed: installed ? unit.path : null, scheduler: live ? { role: live.role, pid: live.pid, host: live.host, since: new Date(live.acquiredAt).toISOString() } : null }, () =>
          [
            installed ? `Unit: ${unit.path} (enable with: ${unit.enable})` : `Unit: not installed (\`upshift daemon install\` writes ${unit.path})`,
            live ? `Scheduler: ${live.role}, pid ${live.pid} on ${live.host}, since ${new Date(live.acquiredAt).toISOString()}.` : 'Scheduler: none running.',
          ].join('\n'),
        );
      } finally {
        engine.close();
      }
      return ExitCode.ok;
    }
    default:
      return runDaemon(io, env);
  }
}

async function runDaemon(io: DaemonIo, env: NodeJS.ProcessEnv): Promise<ExitCodeValue> {
  const engine = await Engine.open();
  const hub = cliNotifyHub(engine, env);
  let lastKind: string | null = null;
  const say = (r: TickResult) => {
    const kind = r.kind === 'standby' ? 'standby' : 'leader';
    if (kind !== lastKind) io.err(kind === 'leader' ? `upshift daemon: scheduler leader (pid ${process.pid})` : `upshift daemon: standing by — ${r.kind === 'standby' ? `${r.lease.holder.role} (pid ${r.lease.holder.pid}) leads` : ''}`);
    lastKind = kind;
    if (r.kind === 'evaluated') for (const s of r.started) io.err(`upshift daemon: ${s.project} ${s.version}: ${s.operation ? s.operation.status : `not started (${s.refused?.message ?? ''})`}`);
  };
  const scheduler = new Scheduler({ engine, clock: systemClock, role: 'daemon', notify: hub, onTick: say, device: deviceProbe(env) });
  const checkEvery = Math.max(1, Number(env.UPSHIFT_DAEMON_CHECK_MINUTES) || 60) * 60_000;
  let checkTimer: unknown = null;
  const check = async () => {
    try {
      if (scheduler.isLeader) {
        const result = await engine.check([], undefined, { isolateFailures: true });
        // A release tag this check first saw moved is announced (tag_moved), as `upshift check` and the service do: the
        // record marks a move fresh only once, so a check that did not tell would leave it untold.
        for (const c of result.projects) for (const m of c.tagMoves ?? []) if (m.fresh) hub.tagMoved(c.name, m);
        scheduler.poke();
      }
    } catch (err) {
      io.err(`upshift daemon: check failed: ${(err as Error).message}`);
    }
    checkTimer = systemClock.setTimeout(() => void check(), checkEvery);
  };
  // systemClock's timers do not hold the process open: this does, until a signal.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  hub.start();
  scheduler.start();
  checkTimer = systemClock.setTimeout(() => void check(), checkEvery);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      io.err(`upshift daemon: ${signal}, stopping`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  systemClock.clearTimeout(checkTimer);
  await scheduler.stop({ cancelRunning: true });
  await hub.stop();
  clearInterval(keepAlive);
  engine.close();
  io.err('upshift daemon: stopped');
  return ExitCode.ok;
}
