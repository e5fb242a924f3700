import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadManifest, ManifestError, MAX_MANIFEST_BYTES } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upshift-manifest-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Loads `text` as upshift.yml and returns the ManifestError it must throw. */
function failure(text: string | Buffer, name = 'upshift.yml'): ManifestError {
  const root = project({ [name]: text });
  try {
    loadManifest(root);
  } catch (e) {
    if (e instanceof ManifestError) {
      expect(e.file).toBe(path.join(root, name));
      return e;
    }
    throw e;
  }
  throw new Error('expected a ManifestError');
}

/** The issues as `line:column field: problem` for compact assertions. */
function summary(e: ManifestError): string[] {
  return e.issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.problem}`);
}

describe('ManifestError', () => {
  it('points at the key of a value of the wrong type, in the documented message format', () => {
    const e = failure('name: api\ninstall: npm ci\n\nsmoke:\n  command: npm test\n\n  timeoutSeconds: fast\n');
    expect(e.message).toBe('upshift.yml:7:3: smoke.timeoutSeconds: expected a number, got "fast". Nothing was changed.');
    expect(e).toMatchObject({ code: 'MANIFEST_INVALID', line: 7, column: 3, field: 'smoke.timeoutSeconds', problem: 'expected a number, got "fast"' });
    expect(e.name).toBe('ManifestError');
  });

  it('converts to the API error shape, never retryable', () => {
    const e = failure('channel: beta\n');
    const api = e.toApiError();
    expect(api).toEqual({
      code: 'MANIFEST_INVALID',
      message: e.message,
      retryable: false,
      details: {
        file: e.file,
        line: 1,
        column: 1,
        field: 'channel',
        problem: 'expected one of "stable", "prerelease", got "beta" (did you mean "prerelease"?)',
        issues: [{ file: e.file, line: 1, column: 1, field: 'channel', problem: 'expected one of "stable", "prerelease", got "beta" (did you mean "prerelease"?)' }],
      },
    });
    expect(JSON.parse(JSON.stringify(api))).toEqual(api);
  });

  it('collects every problem, in file order, and lists them all in the message', () => {
    const e = failure('gates:\n  major: manuel\nsmoke:\n  timeoutSeconds: 0\nchanel: stable\nsource:\n  tagPattern: v\n');
    expect(summary(e)).toEqual([
      '2:3 gates.major: expected one of "auto", "review", "manual", "skip", got "manuel" (did you mean "manual"?)',
      '3:1 smoke.command: is required',
      '4:3 smoke.timeoutSeconds: must be at least 1, got 0',
      '5:1 chanel: unknown key (did you mean "channel"?)',
      '7:3 source.tagPattern: must contain {version} where the version goes (e.g. "v{version}"), got "v"',
    ]);
    expect(e.message.split('\n')).toEqual([
      'upshift.yml:2:3: gates.major: expected one of "auto", "review", "manual", "skip", got "manuel" (did you mean "manual"?).',
      'upshift.yml:3:1: smoke.command: is required.',
      'upshift.yml:4:3: smoke.timeoutSeconds: must be at least 1, got 0.',
      'upshift.yml:5:1: chanel: unknown key (did you mean "channel"?).',
      'upshift.yml:7:3: source.tagPattern: must contain {version} where the version goes (e.g. "v{version}"), got "v".',
      '5 problems in upshift.yml. Nothing was changed.',
    ]);
  });
});

describe('invalid YAML', () => {
  it('reports the line of a syntax error', () => {
    const e = failure('name: api\nsmoke:\n  command: x\n timeoutSeconds: 5\n');
    expect(e.message).toBe('upshift.yml:4:1: invalid YAML: all mapping items must start at the same column. Nothing was changed.');
    expect(summary(failure('name: api\n\tchannel: stable\n'))).toEqual(['2:1 : invalid YAML: tabs are not allowed as indentation']);
    expect(summary(failure('install: @make\n'))).toEqual(['1:10 : invalid YAML: plain value cannot start with reserved character @']);
  });

  it('points an unclosed quote or bracket at where it was opened, not where the file ran out', () => {
    expect(summary(failure('name: api\nsmoke:\n  command: "npm test\n  timeoutSeconds: 5\n'))).toEqual([
      '3:12 smoke.command: invalid YAML: the quoted string that starts here is never closed (missing closing "quote, noticed at line 5)',
    ]);
    expect(summary(failure('name: api\nsnapshot:\n  paths: [data, cache\nchannel: stable\n'))).toEqual([
      expect.stringMatching(/^3:10 snapshot\.paths: invalid YAML: the list \[ that starts here is never closed \(flow sequence .*, noticed at line 4\)$/),
    ]);
  });

  it('refuses duplicate keys, naming the nested field and pointing at the second one', () => {
    const e = failure('smoke:\n  command: a\n  timeoutSeconds: 5\n  command: b\n');
    expect(summary(e)).toEqual(['4:3 smoke.command: duplicate key (each key may appear only once in a mapping)']);
  });

  it('refuses a top-level duplicate key', () => {
    expect(summary(failure('name: a\nchannel: stable\nname: b\n'))).toEqual(['3:1 name: duplicate key (each key may appear only once in a mapping)']);
  });

  it('refuses a document that is a list or a single value', () => {
    expect(summary(failure('- name: a\n- name: b\n'))).toEqual(['1:1 : the file must be a mapping of keys to values, got a list']);
    expect(summary(failure('just some text\n'))).toEqual(['1:1 : the file must be a mapping of keys to values, got a single value ("just some text")']);
    expect(failure('- a\n').message).toBe('upshift.yml:1:1: the file must be a mapping of keys to values, got a list. Nothing was changed.');
  });

  it('refuses several documents in one file', () => {
    const e = failure('name: a\n---\nname: b\n');
    expect(e.line).toBe(2);
    expect(e.problem).toMatch(/multiple documents/);
  });

  it('refuses unresolved YAML tags instead of guessing', () => {
    const e = failure('name: !!python/object:os.system x\n');
    expect(e.field).toBe('name');
    expect(e.problem).toMatch(/^unsupported YAML tag/);
  });

  it('refuses merge keys (<<) as unknown keys rather than merging silently', () => {
    const e = failure('base: &b {command: x}\nsmoke:\n  <<: *b\n');
    expect(summary(e)).toEqual([
      expect.stringMatching(/^1:1 base: unknown key/),
      '2:1 smoke.command: is required',
      '3:3 smoke["<<"]: unknown key (known keys: command, timeoutSeconds)',
    ]);
  });

  it('refuses alias bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const e = failure(lines.join('\n') + '\n');
    expect(e.problem).toMatch(/^invalid YAML: .*alias/i);
  });

  it('refuses a file over the size cap without parsing it', () => {
    const e = failure('# ' + 'x'.repeat(MAX_MANIFEST_BYTES) + '\n');
    expect(e.problem).toMatch(/a manifest may be at most 1048576 bytes/);
    expect(e.line).toBe(1);
  });

  it('refuses text that is not UTF-8', () => {
    expect(failure(Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xff, 0xfe, 0x0a])).problem).toBe('is not valid UTF-8 text');
  });

  it('refuses a manifest that is a directory or a broken symlink', () => {
    const root = project({ 'upshift.yml/inner': 'x' });
    expect(() => loadManifest(root)).toThrow(/upshift\.yml:1:1: is not a regular file\. Nothing was changed\./);
    const root2 = project();
    fs.symlinkSync(path.join(root2, 'nowhere.yml'), path.join(root2, 'upshift.yml'));
    expect(() => loadManifest(root2)).toThrow(/could not be read \(ENOENT/);
  });
});

describe('schema violations', () => {
  it('reports wrong types with field and line', () => {
    expect(summary(failure('name: api\ninstall: [npm, ci]\nhooks:\n  preUpgrade: true\nsnapshot: nope\nrequires:\n  core:\n    contractsMajor: "1"\n'))).toEqual([
      '2:1 install: expected a string, got a list',
      '4:3 hooks.preUpgrade: expected a string, got true',
      '5:1 snapshot: expected a mapping, got "nope"',
      '8:5 requires.core.contractsMajor: expected a number, got "1"',
    ]);
  });

  it('reports an empty value as such (an empty block is not taken as "use the defaults")', () => {
    expect(summary(failure('install:\nsmoke:\n  command: "  "\nhooks:\n  # preUpgrade: x\n'))).toEqual([
      '1:1 install: expected a string, got an empty value (remove the key to use the default)',
      '3:3 smoke.command: must not be empty, got "  "',
      '4:1 hooks: expected a mapping, got an empty value (remove the key to use the default)',
    ]);
  });

  it('explains a requirement written as a bare string, and refuses an empty project name', () => {
    expect(summary(failure('requires:\n  platform: "^1.2"\n  " ": {}\n'))).toEqual([
      '2:3 requires.platform: expected a mapping, got "^1.2" (write the constraint under a key: "range: ^1.2", or "min:" / "max:")',
      '3:3 requires[" "]: " " is not a valid name here (must not be empty)',
    ]);
  });

  it('refuses keys that are lists or mappings', () => {
    expect(summary(failure('? [a, b]\n: 1\n'))).toEqual(['1:3 : keys must be plain text, not a list or mapping']);
  });

  it('reports unknown enum values with a suggestion', () => {
    expect(summary(failure('snapshot:\n  mode: cpoy\nsource:\n  type: svn\n'))).toEqual([
      '2:3 snapshot.mode: expected one of "auto", "move", "copy", got "cpoy" (did you mean "copy"?)',
      '4:3 source.type: expected one of "git", "github", "folder", got "svn"',
    ]);
  });

  it('reports unknown keys at every level, with a suggestion when one is close', () => {
    expect(summary(failure('nmae: x\nsource:\n  tag_pattern: "v{version}"\nsmoke:\n  command: x\n  timeout: 5\nrequires:\n  core:\n    minimum: 1.0.0\nfrobnicate: 1\n'))).toEqual([
      '1:1 nmae: unknown key (did you mean "name"?)',
      '3:3 source.tag_pattern: unknown key (did you mean "tagPattern"?)',
      '6:3 smoke.timeout: unknown key (known keys: command, timeoutSeconds)',
      '9:5 requires.core.minimum: unknown key (known keys: min, max, range, contractsMajor, allowBreaking)',
      expect.stringMatching(/^10:1 frobnicate: unknown key \(known keys: name, kind, artifact, command, source, /),
    ]);
  });

  it('refuses a bad version constraint in requires and a bad declared version', () => {
    const e = failure('version: banana\nrequires:\n  platform:\n    min: "1.2.0"\n    max: ">>2"\n    range: "^1.2 || nonsense"\n');
    expect(e.issues.map((i) => `${i.line}:${i.column} ${i.field}`)).toEqual(['1:1 version', '5:5 requires.platform.max', '6:5 requires.platform.range']);
    expect(e.issues[0]?.problem).toBe('must be a version such as "1.4.2"');
    expect(e.issues[1]?.problem).toMatch(/^">>2" is not a valid version constraint: ./);
  });

  it('requires {version} exactly once in tagPattern', () => {
    expect(failure('source:\n  tagPattern: release\n').problem).toBe('must contain {version} where the version goes (e.g. "v{version}"), got "release"');
    expect(failure('source:\n  tagPattern: "{version}-{version}"\n').problem).toBe('must contain {version} exactly once, found it 2 times');
    expect(failure('source:\n  tagPattern: "-{version}"\n').problem).toBe('must not start with "-"');
    expect(failure('source:\n  tagPattern: "v {version}"\n').problem).toBe('must not contain spaces or control characters');
  });

  it('refuses a remote name that git would take as an option', () => {
    expect(failure('source:\n  remote: --upload-pack=evil\n').problem).toMatch(/^must be a git remote name .*, got "--upload-pack=evil"$/);
  });

  it('bounds smoke.timeoutSeconds', () => {
    expect(failure('smoke:\n  command: x\n  timeoutSeconds: 86401\n').problem).toBe('must be at most 86400, got 86401');
    expect(failure('smoke:\n  command: x\n  timeoutSeconds: 2.5\n').problem).toBe('expected a whole number, got 2.5');
  });

  it('refuses snapshot paths that leave the project, are absolute, or touch .git', () => {
    const e = failure('snapshot:\n  paths:\n    - data\n    - /etc\n    - ../sibling\n    - a/../../b\n    - C:\\Windows\n    - ~/x\n    - .\n    - .git/config\n    - ""\n');
    expect(summary(e)).toEqual([
      '4:7 snapshot.paths[1]: must be relative to the project, got the absolute path "/etc"',
      '5:7 snapshot.paths[2]: must stay inside the project, but "../sibling" leads out of it',
      '6:7 snapshot.paths[3]: must stay inside the project, but "a/../../b" leads out of it',
      '7:7 snapshot.paths[4]: must be relative to the project, got the absolute path "C:\\\\Windows"',
      '8:7 snapshot.paths[5]: must be relative to the project ("~" is not expanded)',
      '9:7 snapshot.paths[6]: must name something inside the project, not the project root itself',
      '10:7 snapshot.paths[7]: must not be inside .git (Upshift snapshots git state itself)',
      '11:7 snapshot.paths[8]: must not be empty',
    ]);
  });

  it('refuses snapshot paths that escape through a symlink', () => {
    const outside = project({ 'secret.txt': 'x' });
    const root = project({ 'upshift.yml': 'snapshot:\n  paths: [ok, out, out/deeper/file, self]\n', 'ok/a': 'x' });
    fs.symlinkSync(outside, path.join(root, 'out'));
    fs.symlinkSync(root, path.join(root, 'self'));
    let err: unknown;
    try {
      loadManifest(root);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ManifestError);
    expect(summary(err as ManifestError)).toEqual([
      `2:15 snapshot.paths[1]: resolves outside the project through a symlink (to ${fs.realpathSync(outside)})`,
      `2:20 snapshot.paths[2]: resolves outside the project through a symlink (to ${path.join(fs.realpathSync(outside), 'deeper', 'file')})`,
      '2:37 snapshot.paths[3]: resolves to the project root itself through a symlink',
    ]);
  });

  it('reports problems in vertical_manifest.yaml the same way', () => {
    const e = failure('compatibility:\n  min_core_version: banana?\n', 'vertical_manifest.yaml');
    expect(e.message).toMatch(/^vertical_manifest\.yaml:2:3: compatibility\.min_core_version: "banana\?" is not a valid version constraint: .+\. Nothing was changed\.$/);
  });
});
