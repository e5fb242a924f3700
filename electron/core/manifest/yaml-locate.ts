import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node as YamlNode,
  type Pair,
  parseDocument,
  visit,
} from 'yaml';
import { formatFieldPath, type ManifestIssue } from './errors.js';

/** A parsed manifest: the plain data plus what is needed to point at any part of it. */
export interface ParsedYaml {
  file: string;
  /** The document as plain JavaScript (a mapping; `{}` for an empty file). */
  data: Record<string, unknown>;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** YAML-level warnings worth showing (not errors). */
  warnings: string[];
}

/** The largest alias expansion accepted (guards against "billion laughs" documents). */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML text strictly: syntax errors, duplicate keys, several documents, unresolved tags and a
 * non-mapping document are all returned as issues (every one of them, not only the first).
 */
export function parseYaml(file: string, text: string): { parsed: ParsedYaml } | { issues: ManifestIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
  const at = (offset: number): { line: number; column: number } => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const issues: ManifestIssue[] = [];
  for (const err of doc.errors) {
    if (err.code === 'DUPLICATE_KEY') {
      issues.push({ file, ...at(err.pos[0]), field: fieldAtOffset(doc, err.pos[0]), problem: 'duplicate key (each key may appear only once in a mapping)' });
      continue;
    }
    // An unclosed quote or bracket is only noticed where the text runs out; point at where it was opened.
    const opened = unclosedOpening(doc, err.code, err.message, err.pos[0]);
    if (opened) {
      const detected = at(err.pos[0]);
      issues.push({
        file,
        ...at(opened.offset),
        field: fieldAtOffset(doc, opened.offset),
        problem: `invalid YAML: the ${opened.what} that starts here is never closed (${lowerFirst(err.message)}, noticed at line ${detected.line})`,
      });
    } else {
      issues.push({ file, ...at(err.pos[0]), field: '', problem: `invalid YAML: ${lowerFirst(err.message)}` });
    }
  }
  const warnings: string[] = [];
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') {
      issues.push({ file, ...at(w.pos[0]), field: fieldAtOffset(doc, w.pos[0]), problem: `unsupported YAML tag (${w.message.replace(/^Unresolved tag: /, '')})` });
    } else {
      const { line, column } = at(w.pos[0]);
      warnings.push(`line ${line}, column ${column}: ${w.message}`);
    }
  }
  visit(doc, {
    Pair(_key, pair) {
      const k: unknown = pair.key;
      if (k !== null && !isScalar(k) && isNodeWithRange(k)) {
        issues.push({ file, ...at(k.range[0]), field: '', problem: 'keys must be plain text, not a list or mapping' });
      }
    },
  });
  if (issues.length > 0) return { issues };

  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === undefined))) {
    return { parsed: { file, data: {}, doc, lineCounter, warnings } };
  }
  if (!isMap(root)) {
    const what = isSeq(root) ? 'a list' : isScalar(root) ? `a single value (${JSON.stringify(root.value)})` : 'not a mapping';
    return { issues: [{ file, ...at(root.range[0]), field: '', problem: `the file must be a mapping of keys to values, got ${what}` }] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return { issues: [{ file, line: 1, column: 1, field: '', problem: `invalid YAML: ${lowerFirst((e as Error).message)}` }] };
  }
  return { parsed: { file, data: data as Record<string, unknown>, doc, lineCounter, warnings } };
}

/**
 * Where a field is in the file. For a key of a mapping that is the key itself (so `smoke.timeoutSeconds`
 * points at `timeoutSeconds:`); for a list item, the item. A path that does not exist points at the
 * deepest part that does (a missing required key points at its parent's key).
 */
export function locate(parsed: ParsedYaml, segments: readonly PropertyKey[]): { line: number; column: number } {
  const { doc, lineCounter } = parsed;
  let node: unknown = doc.contents;
  let offset = isNodeWithRange(node) ? node.range[0] : 0;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = findPair(node.items, seg);
      if (!pair) break;
      if (isNodeWithRange(pair.key)) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (!isNodeWithRange(item)) break;
      offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/**
 * The text exactly as written for a scalar that YAML read as a number, so `version: 1.10` stays "1.10"
 * rather than becoming 1.1. Returns undefined when the node is not a numeric scalar.
 */
export function numberAsWritten(parsed: ParsedYaml, segments: readonly PropertyKey[]): string | undefined {
  const node = parsed.doc.getIn(segments as unknown[], true);
  if (!isScalar(node) || typeof node.value !== 'number') return undefined;
  if (typeof node.source === 'string' && node.source !== '') return node.source;
  return undefined;
}

/** Replaces a numeric value at `segments` in `parsed.data` with its source text. */
export function replaceWithSource(parsed: ParsedYaml, segments: readonly PropertyKey[]): void {
  const text = numberAsWritten(parsed, segments);
  if (text === undefined) return;
  const parent = valueAt(parsed.data, segments.slice(0, -1));
  const last = segments[segments.length - 1];
  if (parent !== null && typeof parent === 'object' && last !== undefined) (parent as Record<PropertyKey, unknown>)[last] = text;
}

/** The value at a path in plain data, or undefined. */
export function valueAt(data: unknown, segments: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function findPair(items: readonly unknown[], seg: PropertyKey): Pair | undefined {
  for (const item of items) {
    if (!isPair(item)) continue;
    const k: unknown = item.key;
    const keyText = isScalar(k) ? String(k.value) : String(k);
    if (keyText === String(seg)) return item;
  }
  return undefined;
}

/** The dotted path of the key that starts at `offset` (used for duplicate keys), or '' if none does. */
function fieldAtOffset(doc: Document.Parsed, offset: number): string {
  const found = walkForKey(doc.contents, offset, []);
  return found ? formatFieldPath(found) : '';
}

function walkForKey(node: unknown, offset: number, trail: PropertyKey[]): PropertyKey[] | null {
  if (isMap(node)) {
    for (const item of node.items) {
      const key: unknown = item.key;
      const value: unknown = item.value;
      if (!isNodeWithRange(key)) continue;
      const end = isNodeWithRange(value) ? value.range[2] : key.range[2];
      if (offset < key.range[0] || offset >= Math.max(end, key.range[0] + 1)) continue;
      const here = [...trail, isScalar(key) ? String(key.value) : String(key)];
      return walkForKey(value, offset, here) ?? here;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const item: unknown = node.items[i];
      if (isNodeWithRange(item) && item.range[0] <= offset && offset < item.range[2]) {
        return walkForKey(item, offset, [...trail, i]) ?? [...trail, i];
      }
    }
  }
  return null;
}

/** For an unclosed quoted string or flow collection error, the node that was left open and where it starts. */
function unclosedOpening(doc: Document.Parsed, code: string, message: string, offset: number): { offset: number; what: string } | null {
  const quote = code === 'MISSING_CHAR' && /quote/i.test(message);
  const flow = code === 'BAD_INDENT' && /^Flow (sequence|map)/.test(message);
  if (!quote && !flow) return null;
  let found: { offset: number; what: string } | null = null;
  visit(doc, (_key, node) => {
    if (!isNodeWithRange(node) || node.range[1] !== offset) return;
    if (quote && isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE')) found = { offset: node.range[0], what: 'quoted string' };
    if (flow && (isSeq(node) || isMap(node)) && node.flow) found = { offset: node.range[0], what: isSeq(node) ? 'list [' : 'mapping {' };
  });
  return found;
}

function isNodeWithRange(n: unknown): n is YamlNode & { range: [number, number, number] } {
  return typeof n === 'object' && n !== null && Array.isArray((n as { range?: unknown }).range);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
