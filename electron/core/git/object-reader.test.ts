// The long-lived `git cat-file --batch-command` (object-reader.ts) against real repositories: answers in order and
// byte-exact, caps and cancellation that keep the stream in step, a clean close after idling, and a process that
// never outlives its owner — not when the owner ends normally, not when it is killed (SIGTERM, SIGKILL).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFiles, git, gitWithInput, makeTempDir } from '../../../test/helpers/repos.js';
import { isGitError } from './core.js';
import { ObjectReader, ObjectReaderUnsupported, resetObjectReaderSupport, withObjectReader } from './object-reader.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const readers: ObjectReader[] = [];
function reader(cwd: string, opts: ConstructorParameters<typeof ObjectReader>[1] = {}): ObjectReader {
  const r = new ObjectReader(cwd, opts);
  readers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()));
  resetObjectReaderSupport();
});

function repo(): string {
  const dir = makeTempDir('upshift-reader-');
  git(dir, 'init', '-q', '-b', 'main');
  commitFiles(dir, { 'a.txt': 'alpha\n' }, 'first');
  return dir;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ObjectReader', () => {
  it('answers concurrent requests in order, byte-exact (NUL, newlines, non-UTF-8), with null for what does not exist', async () => {
    const dir = repo();
    const bytes = Buffer.concat([randomBytes(70_000), Buffer.from('\n\0\nmissing\n'), randomBytes(5)]);
    const blob = gitWithInput(dir, bytes, 'hash-object', '-w', '--stdin');
    const head = git(dir, 'rev-parse', 'HEAD');
    const r = reader(dir);
    const [obj, info, none, path1, tree, badPath] = await Promise.all([
      r.contents(blob),
      r.info('HEAD'),
      r.contents('0'.repeat(40)),
      r.contents(`${head}:a.txt`),
      r.info(`${head}^{tree}`),
      r.info(`${head}:no/such`),
    ]);
    expect(obj).toMatchObject({ oid: blob, type: 'blob', size: bytes.length });
    expect(Buffer.compare(obj!.data, bytes)).toBe(0);
    expect(info).toEqual({ oid: head, type: 'commit', size: expect.any(Number) });
    expect(none).toBeNull();
    expect(path1!.data.toString()).toBe('alpha\n');
    expect(tree!.type).toBe('tree');
    expect(badPath).toBeNull();
    // One process answered all of them.
    expect(r.pid).not.toBeNull();
  });

  it('refuses an object bigger than the cap without reading it into memory, and the next answer is still right', async () => {
    const dir = repo();
    const big = gitWithInput(dir, Buffer.alloc(300_000, 0x61), 'hash-object', '-w', '--stdin');
    const small = gitWithInput(dir, 'small\n', 'hash-object', '-w', '--stdin');
    const r = reader(dir);
    const [tooBig, after] = await Promise.allSettled([r.contents(big, { maxBytes: 1024 }), r.contents(small)]);
    expect(tooBig.status).toBe('rejected');
    const e = (tooBig as PromiseRejectedResult).reason;
    expect(isGitError(e, 'output-too-large')).toBe(true);
    expect(String(e.message)).toMatch(/300000 bytes, more than the 1024 bytes/);
    expect(after.status === 'fulfilled' && after.value!.data.toString()).toBe('small\n');
  });

  it('a cancelled request rejects at once; the stream stays in step for the others', async () => {
    const dir = repo();
    const r = reader(dir);
    const ac = new AbortController();
    const first = r.contents('HEAD', { signal: ac.signal });
    const second = r.info('HEAD:a.txt');
    ac.abort();
    await expect(first).rejects.toMatchObject({ kind: 'aborted' });
    expect((await second)!.type).toBe('blob');
    expect((await r.contents('HEAD:a.txt'))!.data.toString()).toBe('alpha\n');
    const pre = new AbortController();
    pre.abort();
    await expect(r.info('HEAD', { signal: pre.signal })).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('refuses a name that would break the line protocol, naming it; nothing is sent', async () => {
    const r = reader(repo());
    await expect(r.info('HEAD\ninfo HEAD')).rejects.toMatchObject({ kind: 'invalid-argument', message: expect.stringMatching(/one line without NUL/) });
    expect(r.pid).toBeNull();
  });

  it('closes itself after idling, and starts again on the next request', async () => {
    const dir = repo();
    const r = reader(dir, { idleMs: 100 });
    await r.info('HEAD');
    const pid = r.pid!;
    expect(alive(pid)).toBe(true);
    await until('the idle reader exits', () => !alive(pid) && r.pid === null);
    expect((await r.info('HEAD'))!.type).toBe('commit');
    expect(r.pid).not.toBe(pid);
  });

  it('keeps at most 4 idle processes across repositories: the longest idle is closed first', async () => {
    const dirs = Array.from({ length: 6 }, () => repo());
    const rs = dirs.map((d) => reader(d, { idleMs: 60_000 }));
    const pids: number[] = [];
    for (const r of rs) {
      await r.info('HEAD');
      pids.push(r.pid!);
    }
    await until('the two longest idle exit', () => !alive(pids[0]!) && !alive(pids[1]!));
    expect(pids.slice(2).every(alive)).toBe(true);
    // A closed one starts again when asked.
    expect((await rs[0]!.info('HEAD'))!.type).toBe('commit');
  });

  it('a git that does not answer in time is stopped and every waiting request fails with a timeout', async () => {
    const dir = repo();
    // `cat` reads the requests and never answers: a stand-in for a hung git.
    const fake = makeTempDir('upshift-fakegit-');
    writeFileSync(path.join(fake, 'git'), '#!/bin/sh\nexec cat > /dev/null\n', { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${fake}:${saved ?? ''}`;
    try {
      const r = reader(dir, { timeoutMs: 200 });
      const both = await Promise.allSettled([r.info('HEAD'), r.info('HEAD')]);
      for (const b of both) expect(b.status === 'rejected' && isGitError(b.reason, 'timeout')).toBe(true);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('a repository that is not one fails every request with what git said', async () => {
    const r = reader(makeTempDir('upshift-notrepo-'));
    await expect(r.info('HEAD')).rejects.toMatchObject({ kind: 'not-a-repository' });
  });

  it('a git without --batch-command is found out once; withObjectReader then answers through the fallback', async () => {
    const dir = repo();
    const r = reader(dir, { args: ['cat-file', '--no-such-option'] });
    await expect(r.info('HEAD')).rejects.toBeInstanceOf(ObjectReaderUnsupported);
    expect(r.usable).toBe(false);
    let fallbacks = 0;
    const v = await withObjectReader(r, async () => 'fast', async () => {
      fallbacks++;
      return 'slow';
    });
    expect([v, fallbacks]).toEqual(['slow', 1]);
    // The ordinary reader is unaffected.
    expect(await withObjectReader(reader(dir), async (x) => (await x.info('HEAD'))!.type, async () => 'slow')).toBe('commit');
  });
});

describe('ObjectReader never outlives its owner', () => {
  /** A Node program that reads one object, prints the cat-file pid, then waits (`hold`) or simply ends. */
  function ownerScript(dir: string, hold: boolean): string {
    const out = path.join(makeTempDir('upshift-reader-owner-'), 'owner.mjs');
    const lib = path.join(path.dirname(out), 'reader.mjs');
    buildSync({ entryPoints: [path.join(HERE, 'object-reader.ts')], bundle: true, platform: 'node', format: 'esm', outfile: lib, logLevel: 'silent' });
    writeFileSync(
      out,
      `import { ObjectReader } from ${JSON.stringify(lib)};\n` +
        `const r = new ObjectReader(${JSON.stringify(dir)}, { idleMs: 60000 });\n` +
        `await r.info('HEAD');\n` +
        `console.log(String(r.pid));\n` +
        (hold ? `setInterval(() => {}, 1000);\n` : ''),
    );
    return out;
  }

  function startOwner(script: string): Promise<{ child: ReturnType<typeof spawn>; catFile: number }> {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve({ child, catFile: Number(out.trim()) });
      });
      child.on('error', reject);
    });
  }

  it('an owner that is done exits at once, without closing the reader, and takes cat-file with it', async () => {
    const script = ownerScript(repo(), false);
    const t0 = Date.now();
    const { child, catFile } = await startOwner(script);
    await new Promise((r) => child.on('exit', r));
    // Far below the 60 s idle time: the reader held the event loop only while a request was outstanding.
    expect(Date.now() - t0).toBeLessThan(10_000);
    await until('cat-file exits with its owner', () => !alive(catFile));
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('an owner killed by %s leaves no cat-file behind', async (sig) => {
    const { child, catFile } = await startOwner(ownerScript(repo(), true));
    expect(alive(catFile)).toBe(true);
    child.kill(sig);
    await until('cat-file exits after its owner was killed', () => !alive(catFile));
    expect(existsSync(`/proc/${catFile}`)).toBe(false);
  });
});
