import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { processStartTime } from '../state/proc.js';
import {
  commandSucceeded,
  formatDuration,
  formatExitReason,
  processGroupAlive,
  runArgv,
  runCommand,
  stopProcessGroup,
  type CommandResult,
} from './run-command.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'upshift-run-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Dead, or a zombie nobody has reaped yet (PID 1 in a container may never reap). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

function readPid(file: string): number {
  return Number(readFileSync(file, 'utf8').trim());
}

describe('runCommand', () => {
  it('runs a command through sh, logs interleaved output, returns the exit code and an excerpt', async () => {
    const logPath = path.join(dir, 'logs', 'op_1', 'install.log');
    const lines: string[] = [];
    const r = await runCommand('echo out1; echo err1 >&2; echo "$GREETING"; pwd', {
      cwd: dir,
      logPath,
      env: { GREETING: 'hello world' },
      onLine: (line, stream) => lines.push(`${stream}:${line}`),
    });
    expect(r).toMatchObject({ exitCode: 0, signal: null, timedOut: false, aborted: false, killedWith: null, logTruncated: false, logPath });
    expect(commandSucceeded(r)).toBe(true);
    expect(r.excerpt.split('\n')).toEqual(['out1', 'err1', 'hello world', dir]);
    expect(lines).toEqual(['stdout:out1', 'stdout:err1', 'stdout:hello world', `stdout:${dir}`]);
    const log = readFileSync(logPath, 'utf8');
    expect(log).toContain('[upshift] $ echo out1;');
    expect(log).toContain('out1\n');
    expect(log).toContain('err1\n');
    expect(log).toContain('hello world\n');
    expect(log).toContain('[upshift] exited with code 0 after');
    expect(statSync(logPath).mode & 0o777).toBe(0o600);
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(formatExitReason(r)).toBe('exited with code 0');
  });

  it('reports a non-zero exit code', async () => {
    const r = await runCommand('echo failing; exit 3', { cwd: dir });
    expect(r).toMatchObject({ exitCode: 3, signal: null, timedOut: false, logPath: null });
    expect(commandSucceeded(r)).toBe(false);
    expect(formatExitReason(r)).toBe('exited with code 3');
    expect(r.excerpt).toBe('failing');
  });

  it('removes env vars set to undefined', async () => {
    process.env.UPSHIFT_TEST_VAR = 'present';
    try {
      const kept = await runCommand('echo "[$UPSHIFT_TEST_VAR]"', { cwd: dir });
      expect(kept.excerpt).toBe('[present]');
      const removed = await runCommand('echo "[$UPSHIFT_TEST_VAR]"', { cwd: dir, env: { UPSHIFT_TEST_VAR: undefined } });
      expect(removed.excerpt).toBe('[]');
    } finally {
      delete process.env.UPSHIFT_TEST_VAR;
    }
  });

  it('stdin is closed: a command reading stdin gets EOF at once', async () => {
    const r = await runCommand('if read line; then echo "got:$line"; else echo EOF; fi; cat; echo done', { cwd: dir, timeoutMs: 5000 });
    expect(r.timedOut).toBe(false);
    expect(r.excerpt).toBe('EOF\ndone');
  });

  it('times out: SIGTERM to the whole process group, the grandchild dies too', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const logPath = path.join(dir, 'smoke.log');
    const t0 = Date.now();
    const r = await runCommand(`sh -c 'sleep 1000 & echo $! > ${pidFile}; sleep 1000; wait'`, { cwd: dir, timeoutMs: 400, killGraceMs: 3000, logPath });
    const elapsed = Date.now() - t0;
    expect(r).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: 'SIGTERM', timeoutMs: 400 });
    expect(elapsed).toBeLessThan(2000); // did not wait out the 3 s grace: the whole group died on SIGTERM
    const grandchild = readPid(pidFile);
    expect(grandchild).toBeGreaterThan(0);
    expect(await eventually(() => isGone(grandchild))).toBe(true);
    expect(formatExitReason(r)).toBe('timed out after 400 ms (killed)');
    expect(readFileSync(logPath, 'utf8')).toContain('[upshift] timed out after 400 ms (killed)');
  });

  it('a group that ignores SIGTERM is SIGKILLed after the grace period', async () => {
    const pidFile = path.join(dir, 'stubborn.pid');
    const t0 = Date.now();
    const r = await runCommand(`trap '' TERM; sleep 1000 & echo $! > ${pidFile}; wait; wait; echo survived`, {
      cwd: dir,
      timeoutMs: 300,
      killGraceMs: 700,
    });
    const elapsed = Date.now() - t0;
    expect(r).toMatchObject({ timedOut: true, killedWith: 'SIGKILL', signal: 'SIGKILL', exitCode: null });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(5000);
    expect(r.excerpt).not.toContain('survived');
    expect(await eventually(() => isGone(readPid(pidFile)))).toBe(true);
    expect(formatExitReason(r)).toBe('timed out after 300 ms (killed; it ignored SIGTERM)');
  });

  it('resolves even when a background grandchild keeps the output pipes open', async () => {
    const pidFile = path.join(dir, 'bg.pid');
    const t0 = Date.now();
    const r = await runCommand(`sleep 30 & echo $! > ${pidFile}; echo started`, { cwd: dir, drainMs: 200 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r).toMatchObject({ exitCode: 0, timedOut: false });
    expect(r.excerpt).toBe('started');
    process.kill(readPid(pidFile), 'SIGKILL');
  });

  it('aborts via AbortSignal, killing the group', async () => {
    const pidFile = path.join(dir, 'abort.pid');
    const ac = new AbortController();
    const p = runCommand(`sleep 1000 & echo $! > ${pidFile}; echo waiting; wait`, { cwd: dir, signal: ac.signal, killGraceMs: 2000 });
    expect(await eventually(() => {
      try {
        return readFileSync(pidFile, 'utf8').trim() !== '';
      } catch {
        return false;
      }
    })).toBe(true);
    ac.abort();
    const r = await p;
    expect(r).toMatchObject({ aborted: true, timedOut: false, exitCode: null, killedWith: 'SIGTERM' });
    expect(r.excerpt).toBe('waiting');
    expect(formatExitReason(r)).toBe('was cancelled (killed)');
    expect(await eventually(() => isGone(readPid(pidFile)))).toBe(true);
  });

  it('does not start when the signal is already aborted', async () => {
    const marker = path.join(dir, 'ran');
    const r = await runCommand(`touch ${marker}`, { cwd: dir, signal: AbortSignal.abort(), logPath: path.join(dir, 'x.log') });
    expect(r).toMatchObject({ aborted: true, exitCode: null, pid: null });
    expect(() => statSync(marker)).toThrow();
  });

  it('caps the log with a truncation marker; the excerpt keeps the tail', async () => {
    const logPath = path.join(dir, 'big.log');
    const r = await runCommand(`i=1; while [ $i -le 3000 ]; do echo "line $i of output"; i=$((i+1)); done`, {
      cwd: dir,
      logPath,
      maxLogBytes: 10_000,
      excerptLines: 5,
    });
    expect(r.exitCode).toBe(0);
    expect(r.logTruncated).toBe(true);
    const log = readFileSync(logPath, 'utf8');
    expect(log).toContain('line 1 of output\n');
    expect(log).not.toContain('line 3000 of output');
    expect(log).toContain('[upshift] log truncated');
    const outputBytes = Buffer.byteLength(log.slice(log.indexOf('line 1 of output'), log.indexOf('\n[upshift] log truncated')));
    expect(outputBytes).toBe(10_000);
    expect(Buffer.byteLength(log)).toBeLessThan(10_000 + 1000);
    expect(r.excerpt.split('\n')).toEqual(['line 2996 of output', 'line 2997 of output', 'line 2998 of output', 'line 2999 of output', 'line 3000 of output']);
  });

  it('caps the excerpt in bytes, cleans ANSI colours and carriage-return progress', async () => {
    const script = path.join(dir, 'out.sh');
    writeFileSync(script, `printf '\\033[31mred\\033[0m text\\n'; printf '10%%\\r50%%\\r100%%\\n'; printf 'crlf line\\r\\n'; printf 'no newline at end'`);
    const r = await runCommand(`sh ${script}`, { cwd: dir });
    expect(r.excerpt.split('\n')).toEqual(['red text', '100%', 'crlf line', 'no newline at end']);

    const big = await runCommand(`i=0; while [ $i -lt 40 ]; do printf '%0500d\\n' $i; i=$((i+1)); done`, { cwd: dir, excerptBytes: 2048 });
    expect(Buffer.byteLength(big.excerpt)).toBeLessThanOrEqual(2048);
    expect(big.excerpt.endsWith('39')).toBe(true);
    expect(big.excerpt.split('\n').every((l) => l.length === 500)).toBe(true);
  });

  it('keeps the default excerpt within 40 lines', async () => {
    const r = await runCommand('seq 1 100', { cwd: dir });
    const lines = r.excerpt.split('\n');
    expect(lines).toHaveLength(40);
    expect(lines[0]).toBe('61');
    expect(lines[39]).toBe('100');
  });

  it('reports death by signal', async () => {
    const r = await runCommand('kill -SEGV $$', { cwd: dir });
    expect(r).toMatchObject({ exitCode: null, signal: 'SIGSEGV', timedOut: false });
    expect(formatExitReason(r)).toBe('killed by signal SIGSEGV');
  });

  it('rejects when the working directory does not exist', async () => {
    await expect(runCommand('true', { cwd: path.join(dir, 'missing') })).rejects.toThrow(/working directory .*missing does not exist/);
  });
});

describe('onSpawn and orphaned groups', () => {
  it('reports the pid (= process group id) before the command runs', async () => {
    let spawned: number | null = null;
    const r = await runCommand('echo $$', { cwd: dir, onSpawn: (pid) => (spawned = pid) });
    expect(spawned).toBe(r.pid);
    expect(r.excerpt).toBe(String(r.pid)); // exec keeps the pid: the command's shell is the group leader
  });

  it('refuses to run a command it could not record', async () => {
    const marker = path.join(dir, 'ran');
    await expect(
      runCommand(`sleep 0.3; touch ${marker}`, {
        cwd: dir,
        onSpawn: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    await new Promise((r) => setTimeout(r, 500));
    expect(() => statSync(marker)).toThrow();
  });

  it.runIf(process.platform === 'linux')('stopProcessGroup stops the survivors of a group whose leader died', async () => {
    const pidFile = path.join(dir, 'orphan.pid');
    const leader = spawn('/bin/sh', ['-c', `sleep 1000 & echo $! > ${pidFile}; wait`], { detached: true, stdio: 'ignore' });
    const pgid = leader.pid!;
    const startTime = processStartTime(pgid);
    expect(await eventually(() => {
      try {
        return readFileSync(pidFile, 'utf8').trim() !== '';
      } catch {
        return false;
      }
    })).toBe(true);
    leader.kill('SIGKILL'); // the "crashed" owner; its background sleep lives on in the group
    await new Promise((r) => leader.once('exit', r));
    const orphan = readPid(pidFile);
    expect(isGone(orphan)).toBe(false);
    expect(processGroupAlive(pgid)).toBe(true);
    expect(await stopProcessGroup(pgid, startTime, { graceMs: 2000 })).toBe('terminated');
    expect(await eventually(() => isGone(orphan))).toBe(true);
    expect(await stopProcessGroup(pgid, startTime)).toBe('not-running');
  });

  it.runIf(process.platform === 'linux')('stopProcessGroup leaves a reused id alone', async () => {
    const leader = spawn('/bin/sh', ['-c', 'sleep 1000'], { detached: true, stdio: 'ignore' });
    try {
      const pgid = leader.pid!;
      expect(await eventually(() => processGroupAlive(pgid))).toBe(true);
      expect(await stopProcessGroup(pgid, (processStartTime(pgid) ?? 0) - 1)).toBe('not-ours');
      expect(isGone(pgid)).toBe(false);
    } finally {
      leader.kill('SIGKILL');
    }
  });
});

describe('runArgv', () => {
  it('passes arguments without a shell', async () => {
    const r = await runArgv('printf', ['%s|', 'a b', '$HOME', "it's; rm -rf /"], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.excerpt).toBe("a b|$HOME|it's; rm -rf /|");
  });

  it('labels stderr lines and keeps both streams in the log', async () => {
    const lines: string[] = [];
    const logPath = path.join(dir, 'streams.log');
    const r = await runArgv('sh', ['-c', 'echo to-out; echo to-err >&2; exit 2'], { cwd: dir, logPath, onLine: (l, s) => lines.push(`${s}:${l}`) });
    expect(r.exitCode).toBe(2);
    expect(lines.sort()).toEqual(['stderr:to-err', 'stdout:to-out']);
    const log = readFileSync(logPath, 'utf8');
    expect(log).toContain('to-out\n');
    expect(log).toContain('to-err\n');
    expect(log).toContain("[upshift] $ sh -c 'echo to-out; echo to-err >&2; exit 2'");
  });

  it('logs the quoted command line and times out like runCommand', async () => {
    const logPath = path.join(dir, 'argv.log');
    const r = await runArgv('sleep', ['1000'], { cwd: dir, timeoutMs: 200, killGraceMs: 1000, logPath });
    expect(r).toMatchObject({ timedOut: true, signal: 'SIGTERM' });
    expect(readFileSync(logPath, 'utf8')).toContain('[upshift] $ sleep 1000');
  });

  it('rejects with a clear error when the program does not exist', async () => {
    await expect(runArgv('definitely-not-a-program-xyz', [], { cwd: dir })).rejects.toThrow(/definitely-not-a-program-xyz not found/);
  });
});

describe('formatExitReason', () => {
  const base: CommandResult = {
    exitCode: null,
    signal: null,
    timedOut: false,
    aborted: false,
    killedWith: null,
    timeoutMs: null,
    durationMs: 0,
    excerpt: '',
    logPath: null,
    logTruncated: false,
    pid: 1,
  };
  it('describes each outcome', () => {
    expect(formatExitReason({ ...base, exitCode: 1 })).toBe('exited with code 1');
    expect(formatExitReason({ ...base, timedOut: true, timeoutMs: 300_000, signal: 'SIGTERM', killedWith: 'SIGTERM' })).toBe('timed out after 300 s (killed)');
    expect(formatExitReason({ ...base, timedOut: true, timeoutMs: 1500, killedWith: 'SIGKILL' })).toBe('timed out after 1.5 s (killed; it ignored SIGTERM)');
    expect(formatExitReason({ ...base, aborted: true, killedWith: 'SIGTERM' })).toBe('was cancelled (killed)');
    expect(formatExitReason({ ...base, signal: 'SIGKILL' })).toBe('killed by signal SIGKILL');
    expect(formatExitReason(base)).toBe('ended without an exit code');
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(61_000)).toBe('61 s');
  });
});
