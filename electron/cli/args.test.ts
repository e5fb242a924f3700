import { describe, expect, it } from 'vitest';
import { UpshiftError } from '../core/errors.js';
import { COMMANDS, parseCommand, type CommandSpec, type ParsedCommand, type StringOption } from './args.js';
import { FLAG_VALUE_KINDS, type FlagValueKind } from './flag-values.js';

/**
 * Values per kind of flag value. Typed over every kind: a kind added to flag-values.ts does not compile here until
 * it has samples, and every option of every command (present or added later) is tested through its kind.
 */
const SAMPLES: Record<FlagValueKind, { valid: [string, string, ...string[]]; invalid: string[] }> = {
  version: { valid: ['1.2.0', 'v1.3.0', '2.0.0-rc.1', 'core-1.4.2'], invalid: [' ', 'latest', 'abc', '-1', '1..2', 'v', '../1.2.0', 'x'.repeat(300)] },
  'operation-id': { valid: ['op_20261121T101500Z_ab12cd', 'op_20250101T000000Z_000000'], invalid: [' ', 'op_nope', '42', 'op_20261121T101500Z', 'OP_20261121T101500Z_ab12cd', 'op_20261121T101500Z_ab12cd '] },
  count: { valid: ['0', '20', '500'], invalid: [' ', '-1', '1.5', 'ten', '1e3', '+3', '0x10', '9999999999'] },
  port: { valid: ['0', '8080', '65535'], invalid: [' ', '-1', '65536', '80.5', 'http', '123456'] },
  host: { valid: ['127.0.0.1', 'localhost', '::1', '[::1]', 'my-box.local'], invalid: [' ', '-bad', 'a b', 'http://x', 'host/path', 'x.'] },
  'project-name': { valid: ['core', 'finance-2', 'a.b_c'], invalid: [' ', '-x', '.hidden', 'a b', 'a/b', 'x'.repeat(65)] },
  path: { valid: ['/tmp/releases', 'relative/dir', 'C:\\rel'], invalid: [' ', 'a\nb', 'a\u0000b', '\t'] },
  setting: { valid: ['npm test', 'v{version}', '600', 'make check && ./run'], invalid: [' ', '\t', 'a\u0000b'] },
  'checkout-mode': { valid: ['detach', 'branch'], invalid: [' ', 'Branch', 'detached', 'upshift/core', 'branch '] },
  revision: { valid: ['worktree', 'v1.4.0', 'HEAD', '1a2b3c4d'], invalid: [' ', '-x', 'a b', 'HEAD~1;rm', 'x'.repeat(300)] },
  jobs: { valid: ['1', '2', '64'], invalid: [' ', '0', '65', '-1', '1.5', 'two'] },
  'hop-failure': { valid: ['rollback-all', 'last-good'], invalid: [' ', 'all', 'Last-good', 'keep-going'] },
};

function stringOptions(spec: CommandSpec): Array<[string, StringOption]> {
  return Object.entries(spec.options).filter((e): e is [string, StringOption] => e[1].type === 'string');
}

/** Enough positionals for the command, so only the flag under test can be wrong. */
function positionals(spec: CommandSpec): string[] {
  return Array.from({ length: spec.positionals[0] }, (_, i) => `arg${i}`);
}

function parse(argv: string[]): ParsedCommand {
  return parseCommand(argv) as ParsedCommand;
}

function refusal(argv: string[]): UpshiftError {
  try {
    parseCommand(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UpshiftError);
    return e as UpshiftError;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

const cases = COMMANDS.flatMap((spec) => stringOptions(spec).map(([flag, option]) => ({ spec, flag, option, label: `${spec.name} --${flag} (${option.value})` })));

describe('flag values, for every string option of every command', () => {
  it('covers every command that has string options, and each option names a known kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
    expect(new Set(cases.map((c) => c.spec.name))).toEqual(new Set(['add', 'plan', 'upgrade', 'rollback', 'history', 'import', 'serve', 'ci', 'matrix']));
    for (const c of cases) expect(Object.keys(FLAG_VALUE_KINDS), c.label).toContain(c.option.value);
  });

  it.each(cases)('$label: an empty value is a usage error naming the flag and what it expects, never "no flag"', ({ spec, flag, option }) => {
    for (const argv of [
      [spec.name, ...positionals(spec), `--${flag}=`],
      [spec.name, ...positionals(spec), `--${flag}`, ''],
      [spec.name, `--${flag}=`, ...positionals(spec)],
    ]) {
      const e = refusal(argv);
      expect(e.category).toBe('usage');
      expect(e.code).toBe('BAD_FLAG_VALUE');
      expect(e.message).toContain(`--${flag} was given an empty value`);
      expect(e.message).toContain(FLAG_VALUE_KINDS[option.value].expected);
      expect(e.message).toMatch(/Nothing was changed\.$/);
      expect(e.details).toMatchObject({ flag: `--${flag}`, value: '' });
    }
  });

  it.each(cases)('$label: malformed values are refused, well-formed ones pass through unchanged', ({ spec, flag, option }) => {
    const samples = SAMPLES[option.value];
    for (const bad of samples.invalid) {
      const e = refusal([spec.name, ...positionals(spec), `--${flag}=${bad}`]);
      expect(e.code, JSON.stringify(bad)).toBe('BAD_FLAG_VALUE');
      expect(e.category).toBe('usage');
      expect(e.message).toContain(`--${flag} was given `);
      expect(e.message).toContain(`it expects ${FLAG_VALUE_KINDS[option.value].expected}`);
    }
    for (const good of samples.valid) {
      const r = parse([spec.name, ...positionals(spec), `--${flag}`, good]);
      expect(r.values[flag], good).toBe(good);
    }
  });

  it.each(cases.filter((c) => !c.option.multiple))('$label: given twice with different values is refused; the same value twice is accepted', ({ spec, flag, option }) => {
    const [a, b] = SAMPLES[option.value].valid;
    const e = refusal([spec.name, ...positionals(spec), `--${flag}`, a, `--${flag}=${b}`]);
    expect(e.code).toBe('FLAG_CONFLICT');
    expect(e.category).toBe('usage');
    expect(e.message).toContain(`--${flag} was given 2 times with different values ("${a}", "${b}")`);
    expect(e.details).toEqual({ flag: `--${flag}`, values: [a, b] });
    expect(parse([spec.name, ...positionals(spec), `--${flag}=${a}`, `--${flag}`, a]).values[flag]).toBe(a);
    // An empty value is not "the same as" a real one: it is refused as empty.
    expect(refusal([spec.name, ...positionals(spec), `--${flag}`, a, `--${flag}=`]).code).toBe('FLAG_CONFLICT');
  });

  it.each(cases.filter((c) => c.option.multiple))('$label (repeatable): every value is kept in order, each checked, a repeat kept once', ({ spec, flag, option }) => {
    const [a, b] = SAMPLES[option.value].valid;
    const r = parse([spec.name, ...positionals(spec), `--${flag}`, a, `--${flag}=${b}`, `--${flag}`, a]);
    expect(r.lists?.[flag]).toEqual([a, b]);
    expect(r.values[flag]).toBe(a);
    const e = refusal([spec.name, ...positionals(spec), `--${flag}`, a, `--${flag}=${SAMPLES[option.value].invalid[0]}`]);
    expect(e.code).toBe('BAD_FLAG_VALUE');
  });

  it.each(cases)('$label: a missing value, or one that looks like another flag, is refused by the parser', ({ spec, flag }) => {
    expect(refusal([spec.name, ...positionals(spec), `--${flag}`]).code).toBe('BAD_ARGUMENTS');
    expect(refusal([spec.name, ...positionals(spec), `--${flag}`, '--json']).code).toBe('BAD_ARGUMENTS');
  });
});

describe('other flags', () => {
  it('a boolean flag given twice is accepted; given a value it is refused', () => {
    expect(parse(['upgrade', 'core', '--yes', '-y', '--stash', '--stash']).values).toMatchObject({ yes: true, stash: true });
    expect(refusal(['upgrade', 'core', '--yes=no']).code).toBe('BAD_ARGUMENTS');
    expect(refusal(['check', '--json=false']).code).toBe('BAD_ARGUMENTS');
  });

  it('--help wins over a bad value, so help is always reachable', () => {
    expect(parseCommand(['plan', 'core', '--to=', '--help'])).toMatchObject({ help: true });
  });

  it('the exact report of issue 15: upgrade --to= --yes', () => {
    const e = refusal(['upgrade', 'core', '--to=', '--yes']);
    expect(e.message).toBe(
      '--to was given an empty value; it expects a version such as 1.4.2 (or the release tag, such as v1.4.2). Leave the flag out for its default. ' +
        `Usage: ${COMMANDS.find((c) => c.name === 'upgrade')!.usage}. Nothing was changed.`,
    );
  });

  it('rollback --to takes an operation id, not a version', () => {
    expect(refusal(['rollback', 'core', '--to', '1.2.0']).message).toMatch(/--to was given "1\.2\.0", which is not an operation id; it expects an operation id such as op_/);
    expect(parse(['rollback', 'core', '--to', 'op_20261121T101500Z_ab12cd']).values.to).toBe('op_20261121T101500Z_ab12cd');
  });

  it('control characters are escaped in messages', () => {
    expect(refusal(['history', '--limit', '1\u001b[2J']).message).toContain('"1\\u001b[2J"');
  });
});
