/**
 * `upshift notify [list|test|add|remove] [arg] [--json]`: the notification channels (docs/notifications.md), and the
 * CLI's side of delivery — an upgrade's or rollback's outcome is enqueued, then flushed for at most ~2 s at exit.
 * Channel URLs are only ever printed redacted.
 */
import type { Operation, ProjectCheck } from '../../../shared/api/types.js';
import type { Engine } from '../../core/engine/index.js';
import { usageError } from '../../core/errors.js';
import { SETTINGS_KEY, settingsEntries } from '../../core/notify/channels.js';
import { engineNotifyHub } from '../../core/notify/engine-hub.js';
import type { NotifyHub } from '../../core/notify/hub.js';
import { parseEntry } from '../../core/notify/channels.js';
import { channelName } from '../../core/notify/url.js';
import { systemClock } from '../../core/service/clock.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';

interface NotifyIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
}

/** Flushing at exit never holds the command longer than this. */
export const CLI_FLUSH_BUDGET_MS = 2000;

export function cliNotifyHub(engine: Engine, env: NodeJS.ProcessEnv = process.env): NotifyHub {
  return engineNotifyHub(engine, { clock: systemClock, env });
}

/**
 * Tells the channels how an upgrade or rollback ended and delivers what is due within ~2 s. Never throws and never
 * changes the command's exit code: a dead channel is the outbox's business, retried by the next Upshift that runs.
 */
export async function notifyOutcome(engine: Engine, op: Operation): Promise<void> {
  await notifyOutcomes(engine, [op]);
}

/** The same for every operation a batch or a multi-hop path ran (its members and their rollbacks), flushed once. */
export async function notifyOutcomes(engine: Engine, ops: readonly Operation[]): Promise<void> {
  try {
    const hub = cliNotifyHub(engine);
    let emitted = 0;
    for (const op of ops) emitted += hub.operationFinished(op);
    if (emitted > 0 || hub.outbox.nextDueAt() !== null) await hub.flush(CLI_FLUSH_BUDGET_MS);
  } catch {
    // See above: never fail the command.
  }
}

/** Moved release tags first noticed by this check, told to the channels (tag_moved) and delivered within ~2 s. */
export async function notifyTagMoves(engine: Engine, checks: readonly ProjectCheck[]): Promise<void> {
  try {
    const fresh = checks.flatMap((c) => (c.tagMoves ?? []).filter((m) => m.fresh).map((m) => ({ project: c.name, m })));
    if (fresh.length === 0) return;
    const hub = cliNotifyHub(engine);
    for (const { project, m } of fresh) hub.tagMoved(project, m);
    await hub.flush(CLI_FLUSH_BUDGET_MS);
  } catch {
    // Never fail the command over a notification.
  }
}

export async function notifyCommand(cmd: ParsedCommand, engine: Engine, io: NotifyIo): Promise<ExitCodeValue> {
  const [action = 'list', arg] = cmd.positionals;
  const hub = cliNotifyHub(engine);
  const s = io.style;
  switch (action) {
    case 'list': {
      const channels = hub.health();
      const { problems } = hub.channels('all');
      const outboxDepth = hub.outbox.depth();
      io.print({ channels, problems, outboxDepth }, () => {
        if (channels.length === 0 && problems.length === 0) return 'No notification channels. Add one with `upshift notify add <url>` (see docs/notifications.md).';
        const lines = channels.map((c, i) => {
          const mark = c.state === 'ok' ? s.green('ok') : c.state === 'unhealthy' ? s.red('UNHEALTHY') : c.state === 'retrying' ? s.yellow('retrying') : s.dim('unused');
          const routing = [c.events ? `events ${c.events.join(',')}` : null, c.projects ? `projects ${c.projects.join(',')}` : null, c.digest ? `digest ${c.digest}` : null].filter(Boolean).join(', ');
          const from = c.origin === 'manifest' ? `manifest of ${c.project}` : c.origin === 'env' ? 'UPSHIFT_NOTIFY_URLS' : 'settings';
          return [
            `${i + 1}. ${c.name}${c.name !== c.redacted ? ` ${s.dim(c.redacted)}` : ''}  ${mark}`,
            `   ${c.kind}, from ${from}${routing ? `; ${routing}` : ''}${c.pending > 0 ? `; ${c.pending} waiting` : ''}${c.gaveUp > 0 ? `; ${c.gaveUp} given up` : ''}`,
            ...(c.lastError && c.state !== 'ok' ? [`   last error: ${c.lastError}`] : []),
          ].join('\n');
        });
        return [...lines, ...problems.map((p) => s.red(`problem: ${p}`)), s.dim(`Outbox: ${outboxDepth} message${outboxDepth === 1 ? '' : 's'} waiting.`)].join('\n');
      });
      return ExitCode.ok;
    }
    case 'test': {
      const results = await hub.test(arg);
      io.print({ results }, () => results.map((r) => (r.ok ? `${s.green('✓')} ${r.name} (${r.kind}) ${s.dim(`${r.durationMs} ms`)}` : `${s.red('✗')} ${r.name} (${r.kind}): ${r.error}`)).join('\n'));
      return results.every((r) => r.ok) ? ExitCode.ok : ExitCode.failed;
    }
    case 'add': {
      if (!arg) throw usageError('BAD_ARGUMENTS', 'upshift notify add <url>: give the channel URL (e.g. ntfy://ntfy.sh/my-topic?events=upgraded,rolled_back).');
      let spec;
      try {
        spec = parseEntry(arg);
      } catch (err) {
        throw usageError('NOTIFY_URL_INVALID', `${(err as Error).message}. Nothing was saved.`);
      }
      const entries = settingsEntries(engine.store.getSettings()[SETTINGS_KEY]);
      const exists = entries.some((e) => {
        try {
          return parseEntry(e).id === spec.id;
        } catch {
          return false;
        }
      });
      if (!exists) engine.store.setSettings({ [SETTINGS_KEY]: [...entries, arg] });
      const name = channelName(spec);
      io.print({ channel: { id: spec.id, name, kind: spec.kind, redacted: spec.redacted }, added: !exists }, () => (exists ? `${name} is already a channel; nothing changed.` : `Added ${name} (${spec.kind}). Try it: upshift notify test ${spec.name ?? spec.id}`));
      return ExitCode.ok;
    }
    case 'remove': {
      if (!arg) throw usageError('BAD_ARGUMENTS', 'upshift notify remove <channel>: give its name, id or number in `upshift notify list`.');
      const entries = settingsEntries(engine.store.getSettings()[SETTINGS_KEY]);
      const settingsChannels = hub.channels('all').channels.filter((c) => c.origin === 'settings');
      const index = /^\d+$/.test(arg) ? Number(arg) - 1 : -1;
      const all = hub.channels('all').channels;
      const target = all[index] ?? all.find((c) => c.id === arg || c.name === arg || c.redacted === arg);
      if (!target || target.origin !== 'settings') {
        const why = target ? `it comes from ${target.origin === 'env' ? 'UPSHIFT_NOTIFY_URLS' : `the manifest of ${target.project}`}; remove it there` : `no channel matches it (${settingsChannels.map((c) => channelName(c)).join(', ') || 'none in the settings'})`;
        throw usageError('NOTIFY_CHANNEL_UNKNOWN', `Cannot remove "${arg}": ${why}. Nothing was changed.`);
      }
      const kept = entries.filter((e) => {
        try {
          return parseEntry(e).id !== target.id;
        } catch {
          return true;
        }
      });
      engine.store.setSettings({ [SETTINGS_KEY]: kept.length > 0 ? kept : undefined });
      io.print({ removed: { id: target.id, name: channelName(target) } }, () => `Removed ${channelName(target)}.`);
      return ExitCode.ok;
    }
    default:
      throw usageError('BAD_ARGUMENTS', `upshift notify ${action}: expected list, test, add or remove. Usage: ${cmd.spec.usage}`);
  }
}
