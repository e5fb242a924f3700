/** The CLI's lines for release trust and support windows (docs/trust.md, docs/manifest.md), in check and plan. */
import type { SupportStatus, TagMove, TagVerification } from '../../shared/api/trust.js';
import type { Style } from './format.js';

/** `[EOL]` / `[EOL soon]` after a version, or nothing. */
export function eolBadge(s: Style, st: SupportStatus | null | undefined): string {
  if (!st) return '';
  return st.eol ? ` ${s.red('[EOL]')}` : st.soon ? ` ${s.yellow('[EOL soon]')}` : '';
}

/** The loud lines of a check: moved tags, and the current version's end of life. */
export function checkTrustLines(s: Style, p: { name: string; tagMoves?: TagMove[]; support?: SupportStatus | null }): string[] {
  const out = (p.tagMoves ?? []).map((m) => `  ${s.red('TAG MOVED')}: ${m.tag} was ${m.was.slice(0, 12)}, now ${m.now.slice(0, 12)} — not installed until \`upshift trust accept ${p.name} ${m.tag}\``);
  if (p.support && (p.support.eol || p.support.soon)) out.push(`  ${p.support.eol ? s.red('EOL') : s.yellow('EOL soon')}: ${p.support.message}`);
  return out;
}

/** The plan's signature line. */
export function verificationLine(s: Style, v: TagVerification | null | undefined): string | null {
  if (v === undefined) return null;
  if (v === null) return s.yellow('Signature: not checked');
  return v.status === 'good' ? `Signature: ${s.green('verified')} — ${v.message}` : s.red(`Signature: REFUSED — ${v.message}`);
}
