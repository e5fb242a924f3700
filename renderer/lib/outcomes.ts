/** Sentences about what already happened, shared by the Updates row, the plan and the operation views (issue 11 §1). */
import type { FailedRelease } from '../../shared/api/contract.js';
import type { GateAction } from '../../shared/api/types.js';
import { formatDay } from './format.js';

/** "failed its smoke tests", "failed to install": the failing step in words. */
export function failedStepWords(step: FailedRelease['step']): string {
  if (!step) return 'failed';
  if (step.id === 'smoke') return 'failed its smoke tests';
  if (step.id === 'install') return 'failed to install';
  if (step.id.startsWith('health')) return 'failed its health check';
  return `failed at “${step.title}”`;
}

/** "1.2.0 failed its smoke tests on Dec 4 — rolled back". */
export function failedReleaseText(f: FailedRelease, opts: { locale?: string; timeZone?: string; now?: number } = {}): string {
  const year = new Date(opts.now ?? Date.now()).getFullYear();
  const day = formatDay(f.at, { locale: opts.locale ?? 'en-US', timeZone: opts.timeZone, currentYear: year }).replace(/^[^,]+,\s*/, '');
  return `${f.version} ${failedStepWords(f.step)} on ${day} — rolled back`;
}

/** What each gate means, where it is chosen and shown (README "Gates"). */
export const GATE_MEANINGS: Record<GateAction, string> = {
  auto: 'Upgrades without asking (in a maintenance window when the scheduler runs).',
  review: 'Offered and notified; someone approves before it is installed unattended.',
  manual: 'Installed only when you choose that version explicitly.',
  skip: 'Never offered nor installed; not counted as an update.',
};

/** "gate: review" as a short label. */
export const GATE_LABELS: Record<GateAction, string> = { auto: 'Auto', review: 'Review', manual: 'Manual', skip: 'Skip — never offer' };
