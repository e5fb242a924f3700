/**
 * Fixtures for the engine service (electron/core/service): a core project on a real git remote, a service on a
 * throwaway state directory with a hand-driven clock, and a recorder of the events it emits.
 */
import type { UpshiftEvent } from '../../shared/api/contract.js';
import { ManualClock } from '../../electron/core/service/clock.js';
import type { Notification, Notifier } from '../../electron/core/service/notifications.js';
import { UpshiftService, type ServiceOptions } from '../../electron/core/service/service.js';
import { createRemoteWithReleases, makeTempDir, type FileMap, type RemoteFixture } from './repos.js';

/** A project cloned at v1.0.0 whose remote has 1.1.0 (good) and 1.2.0 (its smoke test fails). */
export function coreFixture(opts: { files?: FileMap; manifest?: string; checkout?: string; releases?: Parameters<typeof createRemoteWithReleases>[0]['releases'] } = {}): RemoteFixture {
  return createRemoteWithReleases({
    initialFiles: {
      'upshift.yml': opts.manifest ?? 'install: sh install.sh\nsmoke:\n  command: sh smoke.sh\n  timeoutSeconds: 20\n',
      'install.sh': 'echo installing\n',
      'smoke.sh': 'echo smoke ok\n',
      'app.txt': 'v0\n',
      ...opts.files,
    },
    releases: opts.releases ?? [
      { version: '1.0.0', files: { 'app.txt': '1.0.0\n' } },
      { version: '1.1.0', files: { 'app.txt': '1.1.0\n' }, message: 'Release 1.1.0\n\nAdds the frobnicator.' },
      { version: '1.2.0', files: { 'app.txt': '1.2.0\n', 'smoke.sh': 'echo "boom: the widget is broken"; exit 1\n' } },
    ],
    checkout: opts.checkout ?? 'v1.0.0',
  });
}

/** Records every event; `of(type)` filters with the right type. */
export class EventLog {
  readonly events: UpshiftEvent[] = [];
  readonly listener = (e: UpshiftEvent): void => void this.events.push(e);

  of<T extends UpshiftEvent['type']>(type: T): Array<Extract<UpshiftEvent, { type: T }>> {
    return this.events.filter((e): e is Extract<UpshiftEvent, { type: T }> => e.type === type);
  }

  types(): string[] {
    return this.events.map((e) => e.type);
  }

  clear(): void {
    this.events.length = 0;
  }
}

/** Collects what a native notifier would have shown. */
export class RecordingNotifier implements Notifier {
  readonly shown: Notification[] = [];
  notify(n: Notification): void {
    this.shown.push(n);
  }
}

export interface ServiceHarness {
  service: UpshiftService;
  clock: ManualClock;
  events: EventLog;
  notifier: RecordingNotifier;
  home: string;
  /** Closes this service and opens a new one on the same home and clock (a restart). */
  reopen(extra?: Partial<ServiceOptions>): Promise<ServiceHarness>;
}

const open: UpshiftService[] = [];

/** A service on a fresh (or given) home; no background polling unless `poll: true`. Closed by `closeServices`. */
export async function openService(opts: Partial<ServiceOptions> & { home?: string; clock?: ManualClock } = {}): Promise<ServiceHarness> {
  const home = opts.home ?? makeTempDir('upshift-svc-home-');
  const clock = opts.clock ?? new ManualClock();
  const notifier = new RecordingNotifier();
  const service = await UpshiftService.open({ poll: false, random: () => 0.5, notifier, ...opts, home, clock });
  open.push(service);
  const events = new EventLog();
  service.subscribe(events.listener);
  const harness: ServiceHarness = {
    service,
    clock,
    events,
    notifier,
    home,
    async reopen(extra = {}) {
      await service.close();
      return openService({ ...opts, ...extra, home, clock });
    },
  };
  return harness;
}

export async function closeServices(): Promise<void> {
  for (const s of open.splice(0)) await s.close();
}

/** The ApiError a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ code: string; message: string; retryable: boolean; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; message: string; retryable: boolean; details?: Record<string, unknown> };
  }
  throw new Error('expected a rejection');
}
