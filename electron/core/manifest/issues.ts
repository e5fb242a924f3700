import type { z } from 'zod';
import { describeValue, didYouMean, formatFieldPath, type ManifestIssue } from './errors.js';
import { locate, type ParsedYaml, valueAt } from './yaml-locate.js';

/** Enum values people reach for that mean something Upshift spells differently. */
const VALUE_HINTS: Record<string, string> = { beta: 'prerelease', pre: 'prerelease', alpha: 'prerelease', release: 'stable', none: 'skip' };

/**
 * Turns zod's issues into located manifest issues with plain-language problems: `expected a number, got
 * "fast"`, `unknown key (did you mean "tagPattern"?)`, `expected one of "stable", "prerelease", got "beta"`.
 * Each unknown key becomes its own issue, located at that key.
 */
export function toManifestIssues(parsed: ParsedYaml, schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): ManifestIssue[] {
  const out: ManifestIssue[] = [];
  const add = (segments: readonly PropertyKey[], problem: string): void => {
    out.push({ file: parsed.file, ...locate(parsed, segments), field: formatFieldPath(segments), problem });
  };
  for (const issue of issues) {
    const segments = issue.path;
    const value = valueAt(parsed.data, segments);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(schema, segments);
        for (const key of issue.keys) {
          const suggestion = didYouMean(key, known);
          const hint = suggestion ? ` (did you mean "${suggestion}"?)` : known.length > 0 ? ` (known keys: ${known.join(', ')})` : '';
          add([...segments, key], `unknown key${hint}`);
        }
        break;
      }
      case 'invalid_type':
        if (value === undefined) add(segments, 'is required');
        else add(segments, `expected ${typeName(issue.expected)}, got ${describeValue(value)}${typeHint(segments, value)}`);
        break;
      case 'invalid_key': {
        const reasons = issue.issues.map((i) => i.message).join('; ');
        add(segments, `${describeValue(segments[segments.length - 1])} is not a valid name here (${reasons})`);
        break;
      }
      case 'invalid_value': {
        const options = issue.values.map((v) => JSON.stringify(v));
        const expected = options.length === 1 ? options[0] : `one of ${options.join(', ')}`;
        let problem = `expected ${expected}, got ${describeValue(value)}`;
        if (typeof value === 'string') {
          const strings = issue.values.filter((v): v is string => typeof v === 'string');
          const hinted = VALUE_HINTS[value.toLowerCase()];
          const suggestion = hinted !== undefined && strings.includes(hinted) ? hinted : didYouMean(value, strings);
          if (suggestion) problem += ` (did you mean "${suggestion}"?)`;
        }
        add(segments, problem);
        break;
      }
      case 'too_small':
        if (issue.origin === 'string') add(segments, 'must not be empty');
        else if (issue.origin === 'array' || issue.origin === 'set') add(segments, `must have at least ${String(issue.minimum)} items`);
        else add(segments, `must be at least ${String(issue.minimum)}, got ${describeValue(value)}`);
        break;
      case 'too_big':
        if (issue.origin === 'string') add(segments, `must be at most ${String(issue.maximum)} characters long`);
        else if (issue.origin === 'array' || issue.origin === 'set') add(segments, `must have at most ${String(issue.maximum)} items`);
        else add(segments, `must be at most ${String(issue.maximum)}, got ${describeValue(value)}`);
        break;
      case 'invalid_format':
        add(segments, `${issue.message}, got ${describeValue(value)}`);
        break;
      default:
        add(segments, issue.message);
    }
  }
  return out;
}

/** A hint for the commonest shape mistakes. */
function typeHint(segments: readonly PropertyKey[], value: unknown): string {
  if (value === null) return ' (remove the key to use the default)';
  if (segments.length === 2 && segments[0] === 'requires' && typeof value === 'string') {
    return ` (write the constraint under a key: "range: ${value}", or "min:" / "max:")`;
  }
  return '';
}

function typeName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'object':
    case 'record':
    case 'map':
      return 'a mapping';
    case 'array':
    case 'tuple':
      return 'a list';
    default:
      return expected;
  }
}

interface DefLike {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): DefLike {
  return (schema as unknown as { _zod: { def: DefLike } })._zod.def;
}

/** The keys an object schema accepts at a data path (through optional/default/record/array wrappers). */
export function knownKeys(schema: z.ZodType, segments: readonly PropertyKey[]): string[] {
  let cur: z.ZodType | undefined = unwrap(schema);
  for (const seg of segments) {
    if (!cur) return [];
    const def = defOf(cur);
    if (def.type === 'object' && def.shape) cur = def.shape[String(seg)];
    else if (def.type === 'record') cur = def.valueType;
    else if (def.type === 'array') cur = def.element;
    else return [];
    cur = cur ? unwrap(cur) : undefined;
  }
  if (!cur) return [];
  const def = defOf(cur);
  return def.type === 'object' && def.shape ? Object.keys(def.shape).filter((k) => !k.startsWith('$')) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let cur = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(cur);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!next) break;
    cur = next;
  }
  return cur;
}
