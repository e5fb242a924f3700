/**
 * Is a release a security release (issue 9 §1)? Read from what the release says about itself: its metadata
 * (`security`, `security_critical`, CVE or GHSA ids), and its words — conventional commits (`fix(security): …`,
 * `security: …`), headings of its notes (`## Security`), CVE / GHSA ids anywhere in them. Pure and conservative: a note
 * that merely mentions the word ("improved security docs") is not a security release; an id or a marker is.
 *
 * The class only opens the fast path of the policy (shared/policy/schedule.ts: soak bypass, at once, catch-up); it
 * never crosses a "never unattended" rule.
 */
import type { SecurityClass } from './schedule-types.js';

/** A security class with where it was read from, for people ("commit 1a2b3c4: fix(security): …"). */
export interface SecurityFinding extends SecurityClass {
  critical: boolean;
  ids: string[];
  /** What made it a security release, one entry per source, short. */
  because: string[];
}

const CVE = /\bCVE-\d{4}-\d{4,7}\b/gi;
const GHSA = /\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b/gi;
/** `fix(security): …`, `security: …`, `fix(deps,security)!: …`, optionally after a list bullet. */
const CONVENTIONAL = /^\s*(?:[-*+]\s+)?([a-z]+)(?:\(([^)]*)\))?!?:\s+(.+)$/i;
/** Types of conventional commits that change what runs (a `docs(security)` commit is not a fix). */
const NOT_A_FIX = new Set(['docs', 'test', 'tests', 'ci', 'style']);
const MD_HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const SECURITY_WORD = /\bsecurity\b/i;
const CRITICAL_WORD = /\bcritical\b/i;

function idsIn(text: string): string[] {
  const found = [...(text.match(CVE) ?? []), ...(text.match(GHSA) ?? [])].map((id) => (id.toUpperCase().startsWith('GHSA') ? `GHSA${id.slice(4).toLowerCase()}` : id.toUpperCase()));
  return [...new Set(found)];
}

function short(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** A line that marks a security change: a conventional commit of type or scope `security`, or a heading naming it. */
function markerOf(line: string): { text: string } | null {
  const cc = CONVENTIONAL.exec(line);
  if (cc) {
    const type = cc[1]!.toLowerCase();
    const scopes = (cc[2] ?? '').toLowerCase().split(/[,/\s]+/);
    if (type === 'security' || (scopes.includes('security') && !NOT_A_FIX.has(type))) return { text: line.trim().replace(/^[-*+]\s+/, '') };
  }
  const h = MD_HEADING.exec(line);
  if (h && SECURITY_WORD.test(h[1]!)) return { text: `heading "${h[1]!}"` };
  return null;
}

/**
 * The security class of a text (release notes, a tag message, a commit message); `where` names it in `because`
 * ("the release notes", "commit 1a2b3c4"). Null when nothing in it marks a security change.
 */
export function securityFromText(text: string, where: string): SecurityFinding | null {
  if (!text) return null;
  const lines = text.split(/\r?\n/);
  const because: string[] = [];
  let critical = false;
  lines.forEach((line, i) => {
    // A setext heading: "Security" underlined with === or ---.
    const underlined = i + 1 < lines.length && /^\s*(=+|-+)\s*$/.test(lines[i + 1]!) && line.trim() !== '' && SECURITY_WORD.test(line) && line.trim().split(/\s+/).length <= 4;
    const marker = markerOf(line) ?? (underlined ? { text: `heading "${line.trim()}"` } : null);
    if (!marker) return;
    because.push(`${where}: ${short(marker.text)}`);
    if (CRITICAL_WORD.test(line)) critical = true;
  });
  const ids = idsIn(text);
  if (ids.length > 0 && because.length === 0) because.push(`${where}: names ${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ` and ${ids.length - 3} more` : ''}`);
  if (because.length === 0) return null;
  return { critical, ids, because: because.slice(0, 3) };
}

/** What release metadata says: `security: true`, `security_critical: true`, `cve`/`cves`/`cve_ids`/`advisories`. */
export interface SecurityMetadata {
  security?: boolean | null;
  securityCritical?: boolean | null;
  ids?: readonly string[] | null;
  /** The metadata file, for `because`. */
  file?: string | null;
}

export function securityFromMetadata(m: SecurityMetadata | null | undefined): SecurityFinding | null {
  if (!m) return null;
  const ids = idsIn((m.ids ?? []).join(' '));
  const file = m.file ? `release metadata (${m.file})` : 'release metadata';
  // `security: false` said outright wins over ids named only as references ("fixes the regression of CVE-…").
  if (m.security === false && !m.securityCritical) return null;
  if (!m.security && !m.securityCritical && ids.length === 0) return null;
  const said = m.securityCritical ? 'security_critical: true' : m.security ? 'security: true' : `names ${ids.slice(0, 3).join(', ')}`;
  return { critical: m.securityCritical === true, ids, because: [`${file}: ${said}`] };
}

/** Several findings as one: critical when any is, every id once, every reason (at most five). */
export function mergeSecurity(...findings: ReadonlyArray<SecurityFinding | null | undefined>): SecurityFinding | null {
  const present = findings.filter((f): f is SecurityFinding => !!f);
  if (present.length === 0) return null;
  return {
    critical: present.some((f) => f.critical),
    ids: [...new Set(present.flatMap((f) => f.ids))],
    because: [...new Set(present.flatMap((f) => f.because))].slice(0, 5),
  };
}
