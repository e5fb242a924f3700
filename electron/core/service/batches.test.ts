/**
 * Batches and paths through the service (the contract the tray app and the dashboard use): the joint plan, a batch
 * started in the background whose progress arrives as batch-progress events (members' steps as operation events),
 * listBatches, a path started hop by hop, and PATH_REQUIRED from startUpgrade across a required stop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UpshiftEvent } from '../../../shared/api/contract.js';
import type { BatchOperation } from '../../../shared/api/types.js';
import { world } from '../../../test/helpers/batch-world.js';
import { closeServices, coreFixture, openService, rejection } from '../../../test/helpers/service.js';
import { git } from '../../../test/helpers/repos.js';
import type { UpshiftService } from './service.js';

afterEach(closeServices);

function finished(service: UpshiftService, id: string): Promise<BatchOperation> {
  return new Promise((resolve) => {
    const off = service.subscribe((e: UpshiftEvent) => {
      if (e.type === 'batch-progress' && e.batch.id === id && e.batch.phase === 'done') {
        off();
        resolve(e.batch);
      }
    });
  });
}

describe('batches through the service', () => {
  it('plans, starts in the background, streams each member and lists the batch', async () => {
    const w = world();
    const { service, events } = await openService({ home: w.cli.home });
    const plan = await service.getBatchPlan({ all: true });
    expect(plan.order).toEqual(['finance', 'core', 'audit', 'reports']);
    const { batchId } = await service.startBatch({ all: true });
    const done = await finished(service, batchId);
    expect(done.status).toBe('succeeded');
    const progress = events.of('batch-progress').filter((e) => e.batch.id === batchId);
    // Recorded, then each member running and done, then finished.
    expect(progress.length).toBeGreaterThanOrEqual(1 + 4 * 2);
    expect(events.of('operation-step').some((e) => done.members.some((m) => m.operationId === e.operationId))).toBe(true);
    const listed = await service.listBatches({ project: 'reports' });
    expect(listed.batches.map((b) => b.id)).toEqual([batchId]);
    expect(git(w.core.work, 'rev-parse', 'HEAD')).toBe(w.core.sha('v2.0.0'));
  });

  it('refuses bad input and a blocked or empty batch before anything is recorded', async () => {
    const w = world();
    const { service } = await openService({ home: w.cli.home });
    expect((await rejection(service.startBatch({}))).code).toBe('BAD_INPUT');
    expect((await rejection(service.startBatch({ all: true, root: 'core' }))).code).toBe('BAD_INPUT');
    await service.startBatch({ all: true }).then(({ batchId }) => finished(service, batchId));
    expect((await rejection(service.startBatch({ all: true }))).code).toBe('NOTHING_TO_DO');
    expect((await service.listBatches({})).batches).toHaveLength(1);
  });
});

describe('paths through the service', () => {
  const release = (version: string, extra: Record<string, unknown> = {}) => ({
    version,
    files: { 'app.txt': `${version}\n`, 'release_metadata.json': JSON.stringify({ version, ...extra }) },
  });

  it('startUpgrade across a required stop is PATH_REQUIRED with the hops; startPath runs them', async () => {
    const fx = coreFixture({ releases: [release('1.0.0'), release('1.1.0', { required_stop: true }), release('1.2.0')] });
    const { service } = await openService();
    await service.addProject({ path: fx.work, name: 'core' });
    const plan = await service.getPlan({ project: 'core' });
    expect(plan.hops?.hops.map((h) => h.to)).toEqual(['1.1.0', '1.2.0']);
    const refused = await rejection(service.startUpgrade({ project: 'core' }));
    expect(refused.code).toBe('PATH_REQUIRED');
    const { batchId } = await service.startPath({ project: 'core' });
    const done = await finished(service, batchId);
    expect(done.kind).toBe('path');
    expect(done.members.map((m) => [m.hop?.index, m.to, m.status])).toEqual([
      [1, '1.1.0', 'succeeded'],
      [2, '1.2.0', 'succeeded'],
    ]);
    expect(git(fx.work, 'rev-parse', 'HEAD')).toBe(fx.sha('v1.2.0'));
  });
});
