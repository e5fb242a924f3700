/**
 * Structured logs: JSON lines with the operation id after a real CLI upgrade (stdout untouched: `--json` is still one
 * document), level filtering, no secret in the log after a GitHub token and a notification URL were used, and
 * size-based rotation with several writers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingFile } from '../electron/core/telemetry/log-file.js';
import { closeLogging, configureLogging, logFilePath, moduleLogger, registerSecret } from '../electron/core/telemetry/index.js';
import { CliHarness } from './helpers/cli.js';
import { makeTempDir } from './helpers/repos.js';
import { coreFixture } from './helpers/service.js';

afterEach(() => closeLogging());

function logLines(home: string): Array<Record<string, unknown>> {
  const file = logFilePath(home);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('logs of a real CLI upgrade', () => {
  it('writes JSON lines carrying the operation id on every line of the operation, and leaves stdout as it was', () => {
    const fx = coreFixture();
    const cli = new CliHarness();
    expect(cli.run('add', fx.work, '--name', 'core', '--json').code).toBe(0);
    const r = cli.run('upgrade', 'core', '--to', '1.2.0', '--yes', '--json');
    const op = r.json<{ operation: { id: string; status: string } }>().operation;
    expect(op.status).toBe('rolled_back');
    expect(r.stdout).not.toContain('"level"');

    const lines = logLines(cli.home);
    const mine = lines.filter((l) => l.op === op.id);
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['operation started', 'step finished', 'step failed', 'operation finished']));
    for (const l of mine) {
      expect(l).toMatchObject({ project: 'core', pid: expect.any(Number), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), level: expect.stringMatching(/^(info|warn|error)$/) });
    }
    // Every line of the operation's module names it (none without an id).
    expect(lines.filter((l) => l.module === 'operation').every((l) => l.op === op.id)).toBe(true);
    expect(mine.find((l) => l.msg === 'step failed')).toMatchObject({ level: 'warn', step: 'smoke' });
    expect(mine.find((l) => l.msg === 'operation finished')).toMatchObject({ level: 'warn', status: 'rolled_back' });
  });

  it('UPSHIFT_LOG_LEVEL filters: warn keeps a successful upgrade out of the log, debug adds step starts', () => {
    const fx = coreFixture();
    const quiet = new CliHarness({ UPSHIFT_LOG_LEVEL: 'warn' });
    quiet.run('add', fx.work, '--name', 'core');
    expect(quiet.run('upgrade', 'core', '--to', '1.1.0', '--yes').code).toBe(0);
    expect(logLines(quiet.home).filter((l) => l.level === 'info' || l.level === 'debug')).toEqual([]);

    const fx2 = coreFixture();
    const chatty = new CliHarness({ UPSHIFT_LOG_LEVEL: 'debug' });
    chatty.run('add', fx2.work, '--name', 'core');
    expect(chatty.run('upgrade', 'core', '--to', '1.1.0', '--yes').code).toBe(0);
    const debug = logLines(chatty.home);
    expect(debug.some((l) => l.level === 'debug' && l.msg === 'step started' && typeof l.op === 'string')).toBe(true);
    expect(debug.some((l) => l.level === 'info' && l.msg === 'operation finished' && l.status === 'succeeded')).toBe(true);
  });

  it('never writes a notification URL secret or a GitHub token, even when a failure message carries them', () => {
    const fx = coreFixture();
    const secret = 'hunter2-webhook-pass';
    const token = 'ghp_testtoken0123456789abcdefABCDEF0123';
    const cli = new CliHarness({ UPSHIFT_NOTIFY_URLS: `json://alice:${secret}@127.0.0.1:1/hooks/${secret}`, GITHUB_TOKEN: token });
    cli.run('add', fx.work, '--name', 'core');
    expect(cli.run('upgrade', 'core', '--to', '1.1.0', '--yes').code).toBe(0);
    const text = readFileSync(logFilePath(cli.home), 'utf8');
    expect(text).toContain('notification delivery failed');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);

    // In-process: a token registered as a secret is scrubbed from any field or message.
    const home = makeTempDir('upshift-log-secret-');
    configureLogging({ home, env: {} });
    registerSecret(token);
    moduleLogger('github').warn(`request failed: Authorization: Bearer ${token}`, { header: `Bearer ${token}`, token });
    const line = readFileSync(logFilePath(home), 'utf8');
    expect(line).toContain('request failed');
    expect(line).not.toContain(token);
  });
});

describe('rotation', () => {
  it('rotates at the size limit, keeps N files, and loses no line when two writers share the file', () => {
    const dir = makeTempDir('upshift-log-rotate-');
    const path = join(dir, 'upshift.log');
    const maxBytes = 4096;
    const a = new RotatingFile(path, { maxBytes, keep: 50 });
    const b = new RotatingFile(path, { maxBytes, keep: 50 });
    const total = 600;
    for (let i = 0; i < total; i++) (i % 2 === 0 ? a : b).write(`${JSON.stringify({ i, pad: 'x'.repeat(40) })}\n`);
    a.close();
    b.close();
    const files = readdirSync(dir).filter((f) => f.startsWith('upshift.log'));
    expect(files).not.toContain('upshift.log.lock');
    expect(files.length).toBeGreaterThan(5);
    const seen = new Set<number>();
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      // A writer may finish the line it had started before noticing the limit: a file ends up at most one line over.
      expect(text.length).toBeLessThan(maxBytes + 200);
      for (const l of text.split('\n').filter(Boolean)) seen.add((JSON.parse(l) as { i: number }).i);
    }
    expect(seen.size).toBe(total);

    // keep bounds the set: older files are deleted.
    const dir2 = makeTempDir('upshift-log-keep-');
    const c = new RotatingFile(join(dir2, 'upshift.log'), { maxBytes: 1024, keep: 3 });
    for (let i = 0; i < 500; i++) c.write(`${'y'.repeat(60)}\n`);
    c.close();
    expect(readdirSync(dir2).sort()).toEqual(['upshift.log', 'upshift.log.1', 'upshift.log.2', 'upshift.log.3']);
  });
});
