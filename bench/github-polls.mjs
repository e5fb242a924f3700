// GitHub Releases polling cost: 50 projects × 100 polls against the local fake GitHub API (test/helpers/fake-github.ts,
// on 127.0.0.1) with releases that never change. Counts the requests made, how many were conditional, how many were
// answered 304, and what they cost against the primary rate limit (GitHub does not count a 304). Target: every poll
// after the first costs nothing. The ETag cache is the real SQLite state database. Needs the compiled engine:
//   npx tsc -p tsconfig.node.json && node bench/github-polls.mjs [projects] [polls]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { deadline, makeTempDir, mapLimit, ms, performance, printTable, removeTempDir, requireBuild, root, stats, verdict } from './lib.mjs';

const PROJECTS = Number(process.argv[2] ?? 50);
const POLLS = Number(process.argv[3] ?? 100);
const RELEASES_PER_REPO = 30;

requireBuild();
deadline(10 * 60_000, 'github-polls');

const tmp = makeTempDir('upshift-bench-github-');
try {
  // The fake server is TypeScript in test/helpers: bundle it for this process.
  const fakeFile = join(tmp, 'fake-github.mjs');
  await build({ entryPoints: [join(root, 'test/helpers/fake-github.ts')], outfile: fakeFile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' });
  process.env.UPSHIFT_GITHUB_FIXTURE ??= join(root, 'test/fixtures/real/github/octokit-release-assets.raw.json');
  const { startFakeGitHub } = await import(pathToFileURL(fakeFile).href);
  const dist = (p) => import(pathToFileURL(join(root, 'dist', p)).href);
  const { GitHubSource } = await dist('electron/core/source/github/source.js');
  const { SqliteHttpCache } = await dist('electron/core/state/http-cache.js');
  const { StateStore } = await dist('electron/core/state/index.js');

  const gh = await startFakeGitHub({ rateLimit: 5000 });
  const repos = Array.from({ length: PROJECTS }, (_, i) => `org/project-${i}`);
  for (const repo of repos) {
    gh.setReleases(
      repo,
      Array.from({ length: RELEASES_PER_REPO }, (_, k) => ({ tag: `v1.${RELEASES_PER_REPO - 1 - k}.0`, body: `Release notes of 1.${RELEASES_PER_REPO - 1 - k}.0 of ${repo}` })),
    );
  }
  const store = StateStore.open(join(tmp, 'home'));
  const source = new GitHubSource({ cache: new SqliteHttpCache(store.database), token: async () => 'bench-token', env: {} });
  const projects = repos.map((repo) => ({ path: tmp, remote: 'origin', tagPattern: 'v{version}', channel: 'stable', github: { repo, apiUrl: gh.url } }));

  const pollMs = [];
  let firstPoll = null;
  let wrong = 0;
  for (let poll = 0; poll < POLLS; poll++) {
    const t0 = performance.now();
    const latest = await mapLimit(projects, 8, async (p) => (await source.listReleases(p))[0]?.tag);
    pollMs.push(performance.now() - t0);
    wrong += latest.filter((t) => t !== `v1.${RELEASES_PER_REPO - 1}.0`).length;
    if (poll === 0) firstPoll = { ...gh.counts };
  }
  const total = gh.counts;
  const after = { requests: total.total - firstPoll.total, conditional: total.conditional - firstPoll.conditional, notModified: total.notModified - firstPoll.notModified, cost: total.primaryCost - firstPoll.primaryCost };
  store.close();
  await gh.close();

  console.log(`${PROJECTS} GitHub projects × ${POLLS} polls, unchanged releases (${RELEASES_PER_REPO} each), ETag cache in SQLite`);
  printTable([
    ['', 'requests', 'conditional', '304', 'primary-limit cost'],
    ['first poll', firstPoll.total, firstPoll.conditional, firstPoll.notModified, firstPoll.primaryCost],
    [`polls 2..${POLLS}`, after.requests, after.conditional, after.notModified, after.cost],
    ['all', total.total, total.conditional, total.notModified, total.primaryCost],
  ]);
  const s = stats(pollMs.slice(1));
  console.log(`time per poll of ${PROJECTS} projects (after the first): median ${ms(s.median)}, max ${ms(s.max)}`);
  console.log(`rate limit remaining at the end: ${gh.remaining} of ${gh.limit}`);
  if (wrong > 0) console.log(`WRONG: ${wrong} listings did not report the latest release`);
  const met = after.cost === 0 && after.conditional === after.requests && wrong === 0;
  console.log(`polls after the first: ${after.cost} requests against the primary limit, ${after.conditional}/${after.requests} conditional (target 0 and all: ${verdict(met)})`);
  if (wrong > 0) process.exitCode = 1;
} finally {
  removeTempDir(tmp);
}
