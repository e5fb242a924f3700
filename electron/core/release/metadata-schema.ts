import { LineCounter, parseDocument } from 'yaml';
import * as z from 'zod';
import { isSafeTagName, parseVersion } from '../../../shared/version/index.js';
import { describeValue as describeYamlValue, formatFieldPath } from '../manifest/errors.js';
import { toManifestIssues } from '../manifest/issues.js';
import type { ParsedYaml } from '../manifest/yaml-locate.js';
import type { InvalidMetadata, ReleaseMetadataIssue } from './types.js';

export type { ReleaseMetadataIssue } from './types.js';

/** `release_metadata.json:4:3: breaking_changes: expected a list, got 42`. */
export function formatMetadataIssue(i: ReleaseMetadataIssue): string {
  const where = `${i.file}:${i.line}:${i.column}`;
  return i.field ? `${where}: ${i.field}: ${i.problem}` : `${where}: ${i.problem}`;
}

/** Every issue, `; `-separated, for a one-line message. */
export function formatMetadataIssues(issues: readonly ReleaseMetadataIssue[]): string {
  return issues.map(formatMetadataIssue).join('; ');
}

/** Invalid metadata of the release `tag` as data, with the sentence a plan blocker or a warning shows. */
export function invalidMetadata(file: string, issues: ReleaseMetadataIssue[], tag: string): InvalidMetadata {
  return { file, issues, reason: `the release metadata of ${tag} is invalid: ${formatMetadataIssues(issues)}` };
}

/** A value for "got …", in JSON's words (an object, not a mapping). */
function describeValue(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return 'an object';
  if (v === null) return 'null';
  return describeYamlValue(v);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** True for an ISO 8601 calendar date, optionally with a time and offset, that names a real day and time. */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number, number];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return false;
  return h < 24 && mi < 60 && s <= 60;
}

/** A value that, when given, must satisfy `check`; null counts as not given (tools often write `"notes": null`). */
function optionalText(expected: string, check: (s: string) => boolean = (s) => s.trim() !== '') {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (v === undefined || v === null) return;
      if (typeof v !== 'string' || !check(v)) ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${describeValue(v)}` });
    })
    .optional();
}

const TEXT = 'text';
const VERSION = 'a version such as "1.4.2" (in quotes)';
const DATE = 'an ISO 8601 date such as "2026-02-22" or "2026-02-22T19:00:00Z"';

/** Keys of a list item object that hold its text, in order of preference; and of its identifier. */
export const ITEM_TEXT_KEYS = ['text', 'description', 'title', 'summary', 'message', 'change'] as const;
export const ITEM_ID_KEYS = ['id', 'key'] as const;

function itemProblem(item: unknown): string | null {
  if (typeof item === 'string') return item.trim() === '' ? 'must not be empty' : null;
  const expected = 'expected text or an object with "text" (or "description") and an optional "id"';
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return `${expected}, got ${describeValue(item)}`;
  const o = item as Record<string, unknown>;
  const text = ITEM_TEXT_KEYS.map((k) => o[k]).find((v) => v !== undefined && v !== null);
  if (typeof text !== 'string' || text.trim() === '') return `${expected}, got ${text === undefined ? 'an object without text' : `${describeValue(text)} as its text`}`;
  const id = ITEM_ID_KEYS.map((k) => o[k]).find((v) => v !== undefined && v !== null);
  if (id !== undefined && !(typeof id === 'string' && id.trim() !== '') && !(typeof id === 'number' && Number.isInteger(id))) {
    return `its "id" must be text or a whole number, got ${describeValue(id)}`;
  }
  return null;
}

/** A list of changes: text items or {id, text} objects. `flag`: `true`/`false` alone is accepted too (breaking). */
function changeList(flag: boolean) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (v === undefined || v === null) return;
      if (flag && typeof v === 'boolean') return;
      if (!Array.isArray(v)) {
        ctx.addIssue({ code: 'custom', message: `expected a list of changes (text or {"id", "text"} objects)${flag ? ' or true/false' : ''}, got ${describeValue(v)}` });
        return;
      }
      v.forEach((item, i) => {
        const problem = itemProblem(item);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, path: [i] });
      });
    })
    .optional();
}

/** An object checked by `schema` when given; anything else is one plain issue (not a union's "invalid input"). */
function nested(schema: z.ZodType, expected: string) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (v === undefined || v === null) return;
      if (typeof v !== 'object' || Array.isArray(v)) {
        ctx.addIssue({ code: 'custom', message: `expected ${expected}, got ${describeValue(v)}` });
        return;
      }
      const r = schema.safeParse(v);
      if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message, path: i.path });
    })
    .optional();
}

const changes = z.looseObject({
  breaking: changeList(true),
  breaking_changes: changeList(true),
  breakingChanges: changeList(true),
  features: changeList(false),
  fixes: changeList(false),
});

const checksum = z.looseObject({
  type: optionalText(TEXT),
  algorithm: optionalText(TEXT),
  value: optionalText(TEXT),
});

/**
 * One release entry, for the keys Upshift reads (docs/release-metadata.md). Keys it does not read are allowed here
 * and reported as warnings by the reader; every key it reads must have the right shape, or the file is invalid.
 */
export const releaseEntrySchema = z.looseObject({
  version: optionalText(VERSION, (s) => parseVersion(s) !== null),
  tag: optionalText('a git tag name such as "v1.4.2"', isSafeTagName),
  channel: optionalText('a channel name such as "stable" or "prerelease"', (s) => /^[A-Za-z][A-Za-z0-9._-]*$/.test(s)),
  release_date: optionalText(DATE, isIsoDate),
  releaseDate: optionalText(DATE, isIsoDate),
  date: optionalText(DATE, isIsoDate),
  contracts_version: optionalText(VERSION, (s) => parseVersion(s) !== null),
  contractsVersion: optionalText(VERSION, (s) => parseVersion(s) !== null),
  changes: nested(changes, 'an object of change lists ({"breaking": [...], "features": [...]})'),
  breaking: changeList(true),
  breaking_changes: changeList(true),
  breakingChanges: changeList(true),
  features: changeList(false),
  fixes: changeList(false),
  migration_guide_url: optionalText('a URL or a document path (text)'),
  migrationGuideUrl: optionalText('a URL or a document path (text)'),
  notes: optionalText('text (Markdown)', () => true),
  summary: optionalText('text (Markdown)', () => true),
  description: optionalText('text (Markdown)', () => true),
  checksum: nested(checksum, 'an object such as {"algorithm": "sha256", "value": "…"}'),
  lts: z
    .unknown()
    .superRefine((v, ctx) => {
      if (v !== undefined && v !== null && typeof v !== 'boolean') ctx.addIssue({ code: 'custom', message: `expected true or false, got ${describeValue(v)}` });
    })
    .optional(),
  // A required stop of multi-hop paths (issue 9 §5, GitLab's upgrade path): upgrades from below must stop here.
  required_stop: z
    .unknown()
    .superRefine((v, ctx) => {
      if (v !== undefined && v !== null && typeof v !== 'boolean') ctx.addIssue({ code: 'custom', message: `expected true or false, got ${describeValue(v)}` });
    })
    .optional(),
  requiredStop: z
    .unknown()
    .superRefine((v, ctx) => {
      if (v !== undefined && v !== null && typeof v !== 'boolean') ctx.addIssue({ code: 'custom', message: `expected true or false, got ${describeValue(v)}` });
    })
    .optional(),
  // Support windows (issue 10 §4, observability-stack's deprecation {eol_date, replacement}).
  eol_date: optionalText(DATE, isIsoDate),
  eolDate: optionalText(DATE, isIsoDate),
  replacement: optionalText('a version or a project name (text)'),
});

/** Located issues for the entry at `prefix` of a parsed file, with `text` kept to locate them only when needed. */
export function validateEntry(file: string, text: string, root: unknown, prefix: readonly PropertyKey[], entry: unknown): ReleaseMetadataIssue[] {
  const result = releaseEntrySchema.safeParse(entry);
  if (result.success) return [];
  const located = locatable(file, text, root);
  const issues = result.error.issues.map((i) => ({ ...i, path: [...prefix, ...i.path] }));
  return toManifestIssues(located, releaseEntrySchema, issues as typeof result.error.issues)
    .map(({ line, column, field, problem }) => ({ file, line, column, field, problem }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The JSON text as a YAML document (JSON is YAML's flow style), only to say where a path is. */
export function locatable(file: string, text: string, root: unknown): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  return { file, data: root as Record<string, unknown>, doc, lineCounter, warnings: [] };
}

/** A JSON syntax error located: Node says "at position N" (20) or "(line L column C)" (22+). */
export function jsonSyntaxIssue(file: string, text: string, err: Error): ReleaseMetadataIssue {
  const message = err.message.replace(/\s*\(line \d+ column \d+\)\s*$/, '').replace(/ in JSON at position \d+.*$/s, '');
  const lc = /\(line (\d+) column (\d+)\)/.exec(err.message);
  if (lc) return { file, line: Number(lc[1]), column: Number(lc[2]), field: '', problem: `not valid JSON: ${lowerFirst(message)}` };
  const pos = /at position (\d+)/.exec(err.message);
  const offset = pos ? Number(pos[1]) : 0;
  const before = text.slice(0, offset).split('\n');
  return { file, line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1, field: '', problem: `not valid JSON: ${lowerFirst(message)}` };
}

/** A whole-file issue (the top level is not release metadata). */
export function fileIssue(file: string, problem: string, path: readonly PropertyKey[] = []): ReleaseMetadataIssue {
  return { file, line: 1, column: 1, field: formatFieldPath(path), problem };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
