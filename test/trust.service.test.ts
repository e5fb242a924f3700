/**
 * Trust on first use through the service (the dashboard's and the daemon's face) on a real remote and a real
 * webhook receiver: a release tag re-pointed on the remote is flagged in the check and the plan, announced once as a
 * `tag_moved` notification through the outbox, refused until `acceptTag` (the contract's method behind the
 * dashboard's Trust button), which records who accepted it and clears the flag at once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeServices, coreFixture, openService, rejection } from './helpers/service.js';
import { waitFor } from './helpers/cli.js';
import { cleanupTempDirs, git, makeTempDir } from './helpers/repos.js';

const received: Array<Record<string, unknown>> = [];
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  cleanupTempDirs();
});
afterEach(closeServices);

/** Force-moves `tag` on the remote to a new commit, as a force-push (or a tampered mirror) would. */
function repoint(remote: string, tag: string): string {
  const dir = makeTempDir('upshift-repoint-');
  git(dir, 'clone', '-q', '--branch', 'main', remote, 'c');
  const c = path.join(dir, 'c');
  writeFileSync(path.join(c, 'app.txt'), 'not what was released\n');
  git(c, 'commit', '-qam', 'Something else');
  git(c, 'tag', '-f', tag);
  git(c, 'push', '-q', '--force', 'origin', tag);
  return git(c, 'rev-parse', 'HEAD');
}

describe('a moved release tag in the service', () => {
  it('is flagged in check and plan, notified once, refused, and trusted by acceptTag with who and when', async () => {
    const fx = coreFixture();
    const h = await openService({ env: { UPSHIFT_NOTIFY_URLS: `json://127.0.0.1:${port}/hook?events=tag_moved` } });
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.idle();
    const was = fx.sha('v1.1.0');
    const moved = repoint(fx.remote, 'v1.1.0');

    const check = (await h.service.checkNow({ projects: ['core'] })).projects[0]!;
    expect(check.tagMoves).toEqual([expect.objectContaining({ tag: 'v1.1.0', was, now: moved, fresh: true })]);
    expect(check.candidates!.find((c) => c.version === '1.1.0')).toMatchObject({ blocked: true });
    expect(check.candidates!.find((c) => c.version === '1.1.0')!.reason).toContain('upshift trust accept core v1.1.0');
    // The dashboard's Updates view reads the project's view: the flag is there.
    const view = (await h.service.getState({})).projects.find((p) => p.name === 'core')!;
    expect(view.check!.tagMoves!.map((m) => m.tag)).toEqual(['v1.1.0']);
    // Never scheduled nor waiting for an approval: the verdict the scheduler reads says it is not offered, and why.
    expect(check.candidates!.find((c) => c.version === '1.1.0')!.verdict!.notOffered).toContain('TAG MOVED');
    const schedule = await h.service.getSchedule({});
    expect(JSON.stringify(schedule)).toContain('1.1.0 is not offered: trust: TAG MOVED');
    expect((await h.service.listApprovals({})).approvals.filter((a) => a.version === '1.1.0' && a.state === 'pending')).toEqual([]);
    const plan = await h.service.getPlan({ project: 'core', to: '1.1.0' });
    expect(plan.blocked).toBe(true);
    expect(plan.tagMoves!.map((m) => m.tag)).toEqual(['v1.1.0']);

    // Announced through the outbox, once per (tag, new commit): a second check sends nothing more.
    await h.service.checkNow({ projects: ['core'] });
    for (let i = 0; i < 5 && received.length < 1; i++) {
      h.clock.advance(2_000);
      await h.service.channels.loop.tick();
    }
    await waitFor(() => received.length >= 1, 10_000, 'the tag_moved notification');
    h.clock.advance(60_000);
    await h.service.channels.loop.tick();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ type: 'tag_moved', project: 'core' });
    expect(JSON.stringify(received[0])).toContain('upshift trust accept core v1.1.0');

    h.events.clear();
    const accepted = await h.service.acceptTag({ project: 'core', tag: 'v1.1.0' });
    expect(accepted).toMatchObject({ project: 'core', tag: 'v1.1.0', sha: moved, previousSha: was });
    expect(accepted.by).toMatch(/.+@.+/);
    // Cleared at once: the project's view sent to the dashboard no longer flags it, and 1.1.0 may be chosen.
    const changed = h.events.of('project-changed').filter((e) => e.project.name === 'core').at(-1)!;
    expect(changed.project.check!.tagMoves).toBeUndefined();
    expect(changed.project.check!.candidates!.find((c) => c.version === '1.1.0')!.blocked).toBe(false);
    expect((await h.service.getPlan({ project: 'core', to: '1.1.0' })).blocked).toBe(false);

    expect(await rejection(h.service.acceptTag({ project: 'core', tag: 'v1.1.0' }))).toMatchObject({ code: 'NOTHING_TO_DO' });
    const unseen = await rejection(h.service.acceptTag({ project: 'core', tag: 'v9.9.9' }));
    expect(unseen).toMatchObject({ code: 'TAG_NOT_SEEN' });
    expect(unseen.message).toContain('Nothing was changed');
  });
});
