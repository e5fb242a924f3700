import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadManifest, manifestJsonSchema } from './index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCHEMA_FILE = path.join(REPO, 'docs/upshift.schema.json');
const DOC_FILE = path.join(REPO, 'docs/manifest.md');

/** The exact text docs/upshift.schema.json must hold. */
function generated(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}

// Regenerate with: UPSHIFT_WRITE_SCHEMA=1 npx vitest run electron/core/manifest/schema.test.ts
if (process.env.UPSHIFT_WRITE_SCHEMA === '1') fs.writeFileSync(SCHEMA_FILE, generated());

type Schema = Record<string, unknown>;

/**
 * A small structural JSON Schema check covering the keywords the generated schema uses (type, enum, const,
 * properties, required, additionalProperties, propertyNames, items, minimum, maximum, pattern). Returns the
 * paths that fail.
 */
function check(schema: Schema, value: unknown, at = '$'): string[] {
  const errors: string[] = [];
  const type = schema.type as string | undefined;
  const typeOk: Record<string, (v: unknown) => boolean> = {
    string: (v) => typeof v === 'string',
    number: (v) => typeof v === 'number',
    integer: (v) => Number.isInteger(v),
    boolean: (v) => typeof v === 'boolean',
    array: Array.isArray,
    object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  };
  if (type && !typeOk[type]?.(value)) return [`${at}: expected ${type}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: not in enum`);
  if ('const' in schema && schema.const !== value) errors.push(`${at}: not the const`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) errors.push(`${at}: below minimum`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) errors.push(`${at}: above maximum`);
  }
  if (typeof value === 'string' && typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    errors.push(`${at}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...check(schema.items as Schema, v, `${at}[${i}]`)));
  if (type === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const req of (schema.required ?? []) as string[]) if (!(req in obj)) errors.push(`${at}.${req}: required`);
    for (const [k, v] of Object.entries(obj)) {
      const names = schema.propertyNames as Schema | undefined;
      if (names) errors.push(...check(names, k, `${at}{${k}}`));
      if (props[k]) errors.push(...check(props[k], v, `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}.${k}: not allowed`);
      else if (typeof schema.additionalProperties === 'object') errors.push(...check(schema.additionalProperties as Schema, v, `${at}.${k}`));
    }
  }
  return errors;
}

/** Every ```yaml block in docs/manifest.md whose first line is `# upshift.yml`. */
function docExamples(): string[] {
  const text = fs.readFileSync(DOC_FILE, 'utf8');
  return [...text.matchAll(/```yaml\n(# upshift\.yml[^\n]*\n[\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

describe('published JSON Schema', () => {
  it('docs/upshift.schema.json equals the schema generated from the zod schema', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated());
  });

  it('is draft 2020-12, closed at every level, and describes every field', () => {
    const schema = manifestJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toMatch(/upshift\.yml/);
    const walk = (s: Schema, at: string): void => {
      if (s.type === 'object' && s.properties) expect(s.additionalProperties, `${at} must be closed`).toBe(false);
      for (const [k, p] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
        expect(typeof p.description === 'string' && p.description.length > 10, `${at}.${k} needs a description`).toBe(true);
        walk(p, `${at}.${k}`);
      }
      if (typeof s.additionalProperties === 'object') walk(s.additionalProperties as Schema, `${at}.*`);
    };
    walk(schema, '$');
    expect(Object.keys(schema.properties as object)).toEqual(
      expect.arrayContaining(['name', 'source', 'channel', 'install', 'smoke', 'snapshot', 'hooks', 'requires', 'core', 'gates', 'version']),
    );
  });

  it('accepts the documented examples, which also load', () => {
    const examples = docExamples();
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const schema = manifestJsonSchema();
    for (const text of examples) {
      expect(check(schema, parseYaml(text) ?? {})).toEqual([]);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upshift-doc-'));
      try {
        fs.writeFileSync(path.join(dir, 'upshift.yml'), text);
        expect(() => loadManifest(dir)).not.toThrow();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('rejects structurally wrong manifests the way the loader does', () => {
    const schema = manifestJsonSchema();
    expect(check(schema, { chanel: 'stable' })).toEqual(['$.chanel: not allowed']);
    expect(check(schema, { smoke: { timeoutSeconds: 'fast' } })).toEqual(['$.smoke.command: required', '$.smoke.timeoutSeconds: expected integer']);
    expect(check(schema, { source: { tagPattern: 'release' } })).toEqual([expect.stringMatching(/^\$\.source\.tagPattern: does not match/)]);
    expect(check(schema, { source: { tagPattern: '{version}-{version}' } })).toHaveLength(1);
    expect(check(schema, { source: { tagPattern: 'jq-{version}' } })).toEqual([]);
    expect(check(schema, { gates: { major: 'sometimes' } })).toEqual(['$.gates.major: not in enum']);
    expect(check(schema, { requires: { core: { minimum: '1' } } })).toEqual(['$.requires.core.minimum: not allowed']);
  });
});
