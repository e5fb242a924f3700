// Cache writes commit without an fsync of their own (withRelaxedSync); everything else stays synchronous=FULL. Real
// SQLite on disk; the fsyncs are counted by strace when it is installed (else that part is skipped, saying why).
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/helpers/repos.js';
import { CommitFacts } from './commit-facts.js';
import { openDatabase, withRelaxedSync } from './db.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

describe('withRelaxedSync', () => {
  it('runs the write at NORMAL and puts FULL back, even when the write throws; inside a transaction it changes nothing', () => {
    const db = openDatabase(path.join(makeTempDir('upshift-sync-'), 'state.db'));
    try {
      const level = () => Number(db.pragma('synchronous', { simple: true }));
      expect(level()).toBe(2);
      expect(withRelaxedSync(db, () => level())).toBe(1);
      expect(level()).toBe(2);
      expect(() => withRelaxedSync(db, () => { throw new Error('boom'); })).toThrow('boom');
      expect(level()).toBe(2);
      db.transaction(() => expect(withRelaxedSync(db, () => level())).toBe(2))();
      // What was written is there (and survives a reopen: a process that ends loses nothing).
      new CommitFacts(db).put('peel', 'k', 'v');
    } finally {
      db.close();
    }
  });

  it('a cache write costs no fsync; a durable write still does (fsyncs counted by strace)', () => {
    const strace = spawnSync('sh', ['-c', 'command -v strace'], { encoding: 'utf8' }).stdout.trim();
    if (!strace) {
      console.log('skipped: strace is not installed, so fsyncs cannot be counted');
      return;
    }
    const dir = makeTempDir('upshift-sync-strace-');
    const lib = path.join(dir, 'state.mjs');
    const entry = path.join(dir, 'entry.ts');
    writeFileSync(entry, `export { openDatabase } from ${JSON.stringify(path.join(HERE, 'db.ts'))};\nexport { CommitFacts } from ${JSON.stringify(path.join(HERE, 'commit-facts.ts'))};\n`);
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: lib, external: ['better-sqlite3'], logLevel: 'silent', banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
    symlinkSync(path.resolve(HERE, '../../../node_modules'), path.join(dir, 'node_modules'));
    const file = path.join(dir, 'state.db');
    const fsyncs = (body: string): number => {
      const script = path.join(dir, `run-${Math.random().toString(36).slice(2)}.mjs`);
      writeFileSync(script, `import { openDatabase, CommitFacts } from ${JSON.stringify(lib)};\nconst db = openDatabase(${JSON.stringify(file)});\nconst facts = new CommitFacts(db);\n${body}\ndb.close();\n`);
      const log = `${script}.strace`;
      execFileSync(strace, ['-f', '-qq', '-o', log, '-e', 'trace=fsync,fdatasync', process.execPath, script]);
      return readFileSync(log, 'utf8').split('\n').filter((l) => /fsync|fdatasync/.test(l)).length;
    };
    fsyncs('');
    const none = fsyncs('');
    const cached = fsyncs(`for (let i = 0; i < 5; i++) facts.put('peel', 'c' + i, i);`);
    const durable = fsyncs(`for (let i = 0; i < 5; i++) db.prepare("INSERT INTO commit_facts (kind, key, facts, computed_at) VALUES ('peel', ?, '1', 'now')").run('d' + i);`);
    // Both pay the same when the database is closed (the WAL checkpointed into the file); only durable writes pay
    // one fsync each before that.
    expect({ none, cached, durable }).toEqual({ none, cached, durable: cached + 5 });
  });
});
