import { maintainBackup, stateFailure, type StateStore } from '../state/index.js';
import type { Clock } from './clock.js';

/**
 * Keeps the state's verified backup current from a long-running process (the tray app, `upshift serve`): asked
 * after every operation finishes and after every poll (hourly by default, so a backup is at least daily), it
 * lets maintainBackup decide whether one is due — never while an operation is unfinished, at most every 10
 * minutes. One backup at a time; a request while one runs is dropped (the next event asks again). A failure
 * never reaches the caller: it is kept as `lastError` (a STATE_* error where the directory failed).
 */
export class BackupKeeper {
  private running: Promise<void> | null = null;
  lastError: Error | null = null;

  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
  ) {}

  request(): Promise<void> {
    if (this.running) return this.running;
    if (this.store.isClosed) return Promise.resolve();
    const home = this.store.paths.home;
    this.running = maintainBackup(this.store.database, home, { now: () => new Date(this.clock.now()) })
      .then(
        () => {
          this.lastError = null;
        },
        (err: unknown) => {
          this.lastError = stateFailure(err, { home, target: `${home}/state.db.backup`, phase: 'use' }) ?? (err as Error);
        },
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
