/**
 * The dashboard's side of a failing state directory (issue 15 §4): the service opens or answers with the same
 * STATE_* errors as the CLI — named file, what to do — and over HTTP they are 503s; it keeps the verified backup
 * after the operations it runs. Real files, a real project, the service's own clock.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UpshiftService } from '../electron/core/service/service.js';
import { readBackupInfo } from '../electron/core/state/backup.js';
import { statusForError } from '../electron/host/http.js';
import { cleanupTempDirs, git, makeTempDir } from './helpers/repos.js';
import { closeServices, coreFixture, openService, rejection } from './helpers/service.js';

afterEach(async () => {
  await closeServices();
  cleanupTempDirs();
});

function garbage(file: string): void {
  const bytes = Buffer.alloc(96 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
  writeFileSync(file, bytes);
}

describe('the service and a failing state directory', () => {
  it('opening on a corrupt database rejects with STATE_CORRUPT naming the file and `upshift state restore` (what the app shows)', async () => {
    const home = makeTempDir('upshift-svc-corrupt-');
    const h = await openService({ home });
    const fx = coreFixture();
    await h.service.addProject({ path: fx.work, name: 'core' });
    await h.service.close();
    const db = join(home, 'state.db');
    garbage(db);
    const err = await rejection(UpshiftService.open({ home, poll: false }));
    expect(err.code).toBe('STATE_CORRUPT');
    expect(err.message).toContain(db);
    expect(err.message).toContain('upshift state restore');
    expect(statusForError({ code: err.code })).toBe(503);
  });

  it('a database damaged under a running service: calls reject with the STATE_* error, nothing crashes, and it closes', async () => {
    const home = makeTempDir('upshift-svc-damaged-');
    const h = await openService({ home, watchIntervalMs: 20 });
    const fx = coreFixture();
    await h.service.addProject({ path: fx.work, name: 'core' });
    const head = git(fx.work, 'rev-parse', 'HEAD');
    // Overwritten in place, as a sync tool or a bad disk would: the open connection reads the garbage.
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm']) garbage(join(home, f));
    const err = await rejection(h.service.queryHistory({}));
    expect(err.code).toBe('STATE_CORRUPT');
    expect(err.message).toContain(join(home, 'state.db'));
    const up = await rejection(h.service.startUpgrade({ project: 'core', to: '1.1.0' }));
    expect(up.code).toMatch(/^STATE_/);
    // The change watcher keeps polling the broken database without throwing out of its timer.
    h.clock.advance(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(head);
    await h.service.close();
  });

  it('takes a verified backup once an operation it ran has finished', async () => {
    const home = makeTempDir('upshift-svc-backup-');
    const h = await openService({ home });
    const fx = coreFixture();
    await h.service.addProject({ path: fx.work, name: 'core' });
    const { operationId } = await h.service.startUpgrade({ project: 'core', to: '1.1.0' });
    await h.service.idle();
    expect((await h.service.getOperation({ id: operationId })).operation.status).toBe('succeeded');
    const file = join(home, 'state.db.backup');
    expect(existsSync(file)).toBe(true);
    const info = readBackupInfo(file);
    expect(info).toMatchObject({ projects: ['core'], operations: 1, lastOperation: { id: operationId, status: 'succeeded' } });
    expect(h.service.backups.lastError).toBeNull();
  });
});
