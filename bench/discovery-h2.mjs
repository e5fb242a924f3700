// HTTP/2 for release discovery (issue 12 §1), measured side by side in one run: N projects whose remotes are served
// over HTTPS by `git http-backend` behind node:http2's createSecureServer({ allowHTTP1 }) on 127.0.0.1 (a throwaway
// CA made with openssl, trusted through GIT_SSL_CAINFO by Upshift and git alike), read
//   A. over HTTP/2 (the default: one session, streams side by side),
//   B. over HTTPS HTTP/1.1 (UPSHIFT_HTTP2=off: the keep-alive pool, today's path before HTTP/2),
//   C. by `git ls-remote --tags <url>` ×N (curl, whatever it negotiates), at the same parallelism (8, the engine's);
// each as a whole `upshift check` (the CLI: start-up, state, discovery, the memo) and as discovery alone
// (listRemoteTagsNative over the N URLs in one Node process, a fresh pool each run). Runs alternate A/B/C.
// Needs the compiled CLI:  npm run build && node bench/discovery-h2.mjs [projects] [runs]
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { forkHttpBackend } from './http-backend.mjs';
import {
  benchEnv, cli, deadline, git, importStateStore, makeTempDir, mapLimit, ms, performance, printTable, removeTempDir,
  requireBuild, root, runOk, stats, verdict,
} from './lib.mjs';

const N = Number(process.argv[2] ?? 200);
const RUNS = Number(process.argv[3] ?? 5);
const CONCURRENCY = 8; // the engine's default (Engine.open concurrency)
const TAGS = 30;
const LATEST = '1.9.2';

requireBuild();
deadline(30 * 60_000, 'discovery-h2');

const tmp = makeTempDir('upshift-bench-discovery-h2-');
const remotesRoot = join(tmp, 'remotes');
mkdirSync(remotesRoot);
// The server runs in a process of its own, so discovery in this process does not share its event loop.
const server = await forkHttpBackend({ root: remotesRoot, tls: { caDir: tmp }, h2: true });
const env = benchEnv({ GIT_SSL_CAINFO: server.caFile });
for (const k of ['HTTPS_PROXY', 'https_proxy', 'UPSHIFT_HTTP2', 'GIT_SSL_NO_VERIFY']) delete env[k];
const { StateStore } = await importStateStore();
const discovery = await import(pathToFileURL(join(root, 'dist/electron/core/discovery/index.js')).href);

// Fixtures: one template remote (30 tags on 10 commits, packed) and a clone at v1.3.2, copied per project.
const src = join(tmp, 'template-src');
mkdirSync(src);
git(src, ['init', '-q', '-b', 'main']);
writeFileSync(join(src, 'upshift.yml'), 'install: "true"\nsmoke:\n  command: "true"\n  timeoutSeconds: 60\n');
for (let c = 0; c < TAGS / 3; c++) {
  writeFileSync(join(src, 'VERSION'), `1.${c}\n`);
  git(src, ['add', '-A']);
  git(src, ['commit', '-q', '-m', `Release 1.${c}`]);
  for (let t = 0; t < 3; t++) git(src, ['tag', `v1.${c}.${t}`]);
}
const tplRemote = join(tmp, 'template-remote.git');
const tplClone = join(tmp, 'template-clone');
git(tmp, ['clone', '-q', '--bare', '--no-hardlinks', src, tplRemote]);
git(tmp, ['clone', '-q', tplRemote, tplClone]);
git(tplClone, ['checkout', '-q', '--detach', 'v1.3.2']);
for (const dir of [tplRemote, join(tplClone, '.git')]) {
  git(dir, ['gc', '-q']);
  rmSync(join(dir, 'hooks'), { recursive: true, force: true });
}

const projects = [];
for (let i = 0; i < N; i++) {
  const name = `h${String(i).padStart(4, '0')}`;
  const path = join(tmp, 'projects', name);
  cpSync(tplRemote, join(remotesRoot, `${name}.git`), { recursive: true });
  cpSync(tplClone, path, { recursive: true });
  const url = `${server.url}/${name}.git`;
  writeFileSync(join(path, '.git', 'config'), `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n[remote "origin"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`);
  projects.push({ name, path, url });
}
const home = join(tmp, 'home');
const store = StateStore.open(home);
store.database.transaction(() => {
  for (const p of projects) store.addProject({ name: p.name, path: p.path, manifest: 'upshift.yml', channel: 'stable' });
})();
store.close();

/** Server-side counts for one measured run: TLS connections and requests by protocol. */
function counted(fn) {
  return async () => {
    const before = await server.stats();
    const t = await fn();
    const s = await server.stats();
    return { ms: t, connections: s.connections - before.connections, h2: s.h2 - before.h2, http1: s.http1 - before.http1 };
  };
}

const check = (extraEnv) =>
  counted(async () => {
    const r = await runOk(process.execPath, [cli, 'check', '--json'], { env: { ...env, UPSHIFT_HOME: home, ...extraEnv }, timeoutMs: 600_000 });
    const doc = JSON.parse(r.stdout);
    const bad = doc.projects.filter((p) => p.error !== null || p.latest?.version !== LATEST);
    if (doc.projects.length !== N || bad.length > 0) throw new Error(`check: ${doc.projects.length} projects, ${bad.length} unexpected: ${JSON.stringify(bad[0] ?? null).slice(0, 600)}`);
    return r.ms;
  });

const lsRemote = counted(async () => {
  const start = performance.now();
  await mapLimit(projects, CONCURRENCY, async (p) => {
    const r = await runOk('git', ['ls-remote', '--tags', p.url], { cwd: tmp, env });
    if (r.stdout.split('\n').filter((l) => l.includes('refs/tags/')).length < TAGS) throw new Error(`ls-remote ${p.url}: ${r.stdout.slice(0, 200)}`);
  });
  return performance.now() - start;
});

/** Discovery alone, in this process: the N listings at the engine's parallelism, from a cold pool. */
const listAll = (extraEnv) =>
  counted(async () => {
    discovery.closeHttpPool();
    const e = { ...env, ...extraEnv };
    const start = performance.now();
    await mapLimit(projects, CONCURRENCY, async (p) => {
      const r = await discovery.listRemoteTagsNative(p.path, 'origin', { env: e });
      if (r.tags.length !== TAGS || r.via !== 'http-v2') throw new Error(`${p.name}: ${r.via} ${r.tags.length} tags`);
    });
    const t = performance.now() - start;
    discovery.closeHttpPool();
    return t;
  });

// The engine reads git's user configuration once per run; the library runs here use the bench's (none).
process.env.GIT_CONFIG_GLOBAL = '/dev/null';
process.env.GIT_CONFIG_NOSYSTEM = '1';

const variants = {
  'check h2': check({}),
  'check h1': check({ UPSHIFT_HTTP2: 'off' }),
  'check memo off h2': check({ UPSHIFT_DISCOVERY_MEMO: 'off' }),
  'check memo off h1': check({ UPSHIFT_DISCOVERY_MEMO: 'off', UPSHIFT_HTTP2: 'off' }),
  'git ls-remote': lsRemote,
  'list h2': listAll({}),
  'list h1': listAll({ UPSHIFT_HTTP2: 'off' }),
};
const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
// Warm-up: the first check reads release metadata once; every variant once.
for (const fn of Object.values(variants)) await fn();
const names = Object.keys(variants);
for (let i = 0; i < RUNS; i++) {
  // Alternate the order each run so drift in the machine's load does not favour one variant.
  const order = i % 2 === 0 ? names : [...names].reverse();
  for (const k of order) results[k].push(await variants[k]());
}
await server.close();

const gitVersion = git(tmp, ['--version']).replace(/^git version /, '');
const med = (k) => stats(results[k].map((r) => r.ms));
const per = (k, f) => stats(results[k].map((r) => r[f])).median;
console.log(`discovery over HTTPS: ${N} projects × ${TAGS} tags; ${RUNS} runs alternating after 1 warm-up; parallelism ${CONCURRENCY}; node ${process.version}, git ${gitVersion}`);
printTable([
  ['', 'median', 'min', 'max', 'TLS connections', 'h2 / http1 requests'],
  ...names.map((k) => {
    const s = med(k);
    return [k, ms(s.median), ms(s.min), ms(s.max), String(per(k, 'connections')), `${per(k, 'h2')} / ${per(k, 'http1')}`];
  }),
]);
const ratio = (a, b) => `${(med(a).median / med(b).median).toFixed(2)}×`;
console.log(`check over h2 / check over HTTP/1.1 (repeat):      ${ratio('check h2', 'check h1')}`);
console.log(`check over h2 / git ls-remote (repeat):            ${ratio('check h2', 'git ls-remote')}  (target ≤ 0.5×: ${verdict(med('check h2').median / med('git ls-remote').median <= 0.5)})`);
console.log(`check over HTTP/1.1 / git ls-remote (repeat):      ${ratio('check h1', 'git ls-remote')}`);
console.log(`check memo off, h2 / HTTP/1.1:                     ${ratio('check memo off h2', 'check memo off h1')}`);
console.log(`check memo off, h2 / git ls-remote:                ${ratio('check memo off h2', 'git ls-remote')}`);
console.log(`discovery alone, h2 / HTTP/1.1:                    ${ratio('list h2', 'list h1')}`);
console.log(`discovery alone, h2 / git ls-remote:               ${ratio('list h2', 'git ls-remote')}`);
removeTempDir(tmp);
