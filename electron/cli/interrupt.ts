/**
 * Ctrl-C (SIGINT), SIGTERM and a closed terminal (SIGHUP) while `upgrade` or `rollback` runs. The first one cancels:
 * the running step's whole process group is stopped and the checkout rolled back at once, saying so; every later one
 * says the rollback is finishing and is otherwise ignored, since abandoning a rollback half way is exactly the half
 * state Upshift exists to prevent (a `kill -9` still stops it; the next command then finishes the rollback).
 *
 * Exit codes follow the shell's convention, 128 + the signal number, once the rollback is done.
 */
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

export const SIGNAL_EXIT_CODES = { SIGINT: ExitCode.sigint, SIGTERM: ExitCode.sigterm, SIGHUP: ExitCode.sighup } as const satisfies Record<InterruptSignal, ExitCodeValue>;

const WHAT: Readonly<Record<InterruptSignal, string>> = { SIGINT: 'SIGINT: Ctrl-C', SIGTERM: 'SIGTERM', SIGHUP: 'SIGHUP: the terminal was closed' };

export interface InterruptOptions {
  /** Writes one line for the user (stderr); must never throw, even with the terminal gone. */
  say: (line: string) => void;
  /** The project, for the messages. */
  project: string;
  /** What is being cancelled: `upgrade` or `rollback`. */
  verb: 'upgrade' | 'rollback';
}

export class InterruptHandler {
  readonly controller = new AbortController();
  /** The first signal received, or null. */
  received: InterruptSignal | null = null;
  /** Set once the operation was recorded: from then on a cancel means a rollback. */
  started = false;
  private readonly listeners = new Map<InterruptSignal, () => void>();

  constructor(private readonly opts: InterruptOptions) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The exit code for the signal received, or null when none came. */
  exitCode(): ExitCodeValue | null {
    return this.received ? SIGNAL_EXIT_CODES[this.received] : null;
  }

  install(target: NodeJS.Process = process): () => void {
    for (const sig of INTERRUPT_SIGNALS) {
      const on = () => this.onSignal(sig);
      this.listeners.set(sig, on);
      target.on(sig, on);
    }
    return () => {
      for (const [sig, on] of this.listeners) target.off(sig, on);
      this.listeners.clear();
    };
  }

  onSignal(sig: InterruptSignal): void {
    const { say, project, verb } = this.opts;
    if (this.received) {
      say(
        this.started
          ? `${WHAT[sig]} again: the rollback of ${project} is finishing and is not abandoned — Upshift exits as soon as the checkout is back. (kill -9 would stop it here; the next upshift command would then finish it.)`
          : `${WHAT[sig]} again: stopping, nothing of ${project} has been changed.`,
      );
      return;
    }
    this.received = sig;
    say(
      this.started
        ? `Interrupted (${WHAT[sig]}): stopping the running step of the ${verb} of ${project} and rolling back. Please wait until it says the checkout is back.`
        : `Interrupted (${WHAT[sig]}): stopping before anything of ${project} changes.`,
    );
    this.controller.abort(WHAT[sig]);
  }
}
