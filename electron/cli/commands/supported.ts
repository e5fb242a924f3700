/**
 * `upshift supported [project] [--json]`: every minor line released, newest first, with whether it is supported and
 * until when (the manifest's `support:`, shared/policy/support.ts), and where the current version stands.
 */
import type { SupportStatus } from '../../../shared/api/trust.js';
import { supportStatus, supportTable, type SupportedLine } from '../../../shared/policy/support.js';
import { compileTagPattern } from '../../../shared/version/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { ParsedCommand } from '../args.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { Style } from '../format.js';

interface SupportedIo {
  print: (doc: unknown, human: () => string) => void;
  style: Style;
}

interface ProjectSupport {
  project: string;
  policy: { lastMinors?: number | undefined; eol?: Record<string, string> | undefined } | null;
  current: SupportStatus | null;
  lines: SupportedLine[];
  error?: string;
}

export async function supportedCommand(cmd: ParsedCommand, engine: Engine, io: SupportedIo): Promise<ExitCodeValue> {
  const names = cmd.positionals.length > 0 ? cmd.positionals : engine.listProjects().projects.map((p) => p.name);
  const checked = await engine.check(names);
  const now = Date.parse(engine.store.now());
  const out: ProjectSupport[] = checked.projects.map((c) => {
    const policy = engine.context(c.name).manifest.support ?? null;
    const released = [c.latest?.version, ...(c.candidates ?? []).map((r) => r.version), c.current.version].filter((v): v is string => typeof v === 'string');
    const all = [...new Set([...released, ...rememberedVersions(engine, c.name)])];
    return {
      project: c.name,
      policy,
      current: c.current.version ? supportStatus(now, policy, c.current.version, all) : null,
      lines: supportTable(now, policy, all),
      ...(c.error ? { error: c.error.message } : {}),
    };
  });
  io.print({ projects: out }, () => out.map((p) => formatProject(p, io.style)).join('\n\n'));
  return ExitCode.ok;
}

/** Every release the check just saw (remembered per channel by engine/releases.ts), as versions. */
function rememberedVersions(engine: Engine, project: string): string[] {
  const seen = (engine.store.getProject(project)?.settings as { lastReleases?: Record<string, { refs: Array<{ tag: string }> }> } | undefined)?.lastReleases ?? {};
  const pattern = compileTagPattern(engine.context(project).manifest.source.tagPattern);
  return Object.values(seen).flatMap((s) => s.refs.map((r) => pattern.match(r.tag)?.normalized ?? null)).filter((v): v is string => v !== null);
}

function formatProject(p: ProjectSupport, s: Style): string {
  const head = `${s.bold(p.project)}${p.policy ? '' : s.dim(' (no support: policy; dates from release metadata only)')}`;
  const lines = p.lines.map((l) => {
    const st = l.status;
    const badge = !st ? s.dim('supported (no policy)') : st.eol ? s.red('EOL') : st.soon ? s.yellow('EOL soon') : s.green('supported');
    const until = st?.eolDate ? ` until ${st.eolDate}` : '';
    return `  ${l.line.padEnd(10)} newest ${l.newest.padEnd(12)} ${badge}${until}${st?.replacement ? ` → ${st.replacement}` : ''}`;
  });
  const current = p.current ? `  current: ${p.current.eol ? s.red(p.current.message) : p.current.soon ? s.yellow(p.current.message) : p.current.message}` : null;
  return [head, ...(p.error ? [s.red(`  ${p.error}`)] : []), ...lines, ...(current ? [current] : [])].join('\n');
}
