// Runs every benchmark in sequence (`npm run bench` builds first), passing their output through, then lists the
// targets each one reported. Exits non-zero when a benchmark fails; a missed target is a figure, not a failure.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { clearTimeout } from 'node:timers';

const here = dirname(fileURLToPath(import.meta.url));
const BENCHMARKS = ['version-select.mjs', 'check-200.mjs', 'discovery.mjs', 'discovery-h2.mjs', 'upgrade-overhead.mjs', 'plan-range.mjs', 'snapshot-restore.mjs', 'startup.mjs', 'history-render.mjs', 'first-paint.mjs', 'serve-idle.mjs', 'github-polls.mjs', 'artifact-switch.mjs', 'ci-gate.mjs', 'batch-overhead.mjs'];
/** Far above any benchmark's own deadline: only a wedged child gets here. */
const TIMEOUT_MS = 30 * 60_000;

function runOne(file) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(here, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const targets = [];
    let pending = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) if (/target (met|missed)/.test(line)) targets.push(line.trim());
    });
    const finish = (code, signal, error) => {
      clearTimeout(timer);
      if (/target (met|missed)/.test(pending)) targets.push(pending.trim());
      resolve({ file, code, signal, error, targets, seconds: (performance.now() - t0) / 1000 });
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal, null));
  });
}

const results = [];
for (const file of BENCHMARKS) {
  console.log(`\n=== ${file} ===`);
  results.push(await runOne(file));
}

console.log('\n=== summary ===');
for (const r of results) {
  const status = r.error ? `could not start: ${r.error.message}` : r.code === 0 ? 'ok' : `FAILED (${r.signal ?? `exit ${r.code}`})`;
  console.log(`${r.file.padEnd(22)} ${status}, ${r.seconds.toFixed(1)} s`);
  for (const t of r.targets) console.log(`  ${t}`);
}
const failed = results.filter((r) => r.code !== 0);
if (failed.length > 0) {
  console.log(`${failed.length} benchmark(s) failed: ${failed.map((r) => r.file).join(', ')}`);
  process.exitCode = 1;
}
