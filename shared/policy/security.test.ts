import { describe, expect, it } from 'vitest';
import { mergeSecurity, securityFromMetadata, securityFromText } from './security.js';

describe('securityFromText', () => {
  it.each([
    ['a conventional commit of scope security', 'fix(security): escape the session cookie', 'commit 1a2b3c4: fix(security): escape the session cookie'],
    ['a conventional commit of type security', 'security: bump openssl', 'commit 1a2b3c4: security: bump openssl'],
    ['one scope of several, breaking', 'fix(auth,security)!: reject unsigned tokens', 'commit 1a2b3c4: fix(auth,security)!: reject unsigned tokens'],
    ['a bulleted commit in a notes list', '- fix(security): escape the session cookie (#12)', 'commit 1a2b3c4: fix(security): escape the session cookie (#12)'],
    ['a markdown heading', '## Features\n- faster\n\n### Security\n- patched the parser', 'commit 1a2b3c4: heading "Security"'],
    ['a setext heading', 'Security fixes\n--------------\n* the parser', 'commit 1a2b3c4: heading "Security fixes"'],
  ])('%s', (_name, text, because) => {
    expect(securityFromText(text, 'commit 1a2b3c4')).toEqual({ critical: false, ids: [], because: [because] });
  });

  it('CVE and GHSA ids anywhere, normalised and once each', () => {
    expect(securityFromText('Fixes cve-2026-1234 and GHSA-c3g4-f5hj-m6pq; see also CVE-2026-1234.', 'the release notes')).toEqual({
      critical: false,
      ids: ['CVE-2026-1234', 'GHSA-c3g4-f5hj-m6pq'],
      because: ['the release notes: names CVE-2026-1234, GHSA-c3g4-f5hj-m6pq'],
    });
  });

  it('critical when a security marker says so', () => {
    expect(securityFromText('## Security (critical)\n- CVE-2026-9999', 'the release notes')).toMatchObject({ critical: true, ids: ['CVE-2026-9999'] });
  });

  it.each([
    ['the word in passing', 'Improved the security documentation and the README.'],
    ['a docs commit of scope security', 'docs(security): explain the threat model'],
    ['a test commit', 'test(security): cover the escaping'],
    ['a heading that is not about security', '## Fixes\n- the parser'],
    ['nothing at all', ''],
  ])('not a security release: %s', (_name, text) => {
    expect(securityFromText(text, 'x')).toBeNull();
  });
});

describe('securityFromMetadata', () => {
  it('security, security_critical and advisory ids', () => {
    expect(securityFromMetadata({ security: true, file: 'release_metadata.json' })).toEqual({ critical: false, ids: [], because: ['release metadata (release_metadata.json): security: true'] });
    expect(securityFromMetadata({ securityCritical: true, ids: ['CVE-2026-1'] })).toMatchObject({ critical: true, ids: [] });
    expect(securityFromMetadata({ ids: ['CVE-2026-12345', 'nonsense'] })).toEqual({ critical: false, ids: ['CVE-2026-12345'], because: ['release metadata: names CVE-2026-12345'] });
  });

  it('security: false said outright, or nothing said: not a security release', () => {
    expect(securityFromMetadata({ security: false, ids: ['CVE-2026-1234'] })).toBeNull();
    expect(securityFromMetadata({})).toBeNull();
    expect(securityFromMetadata(null)).toBeNull();
  });
});

it('mergeSecurity: critical when any is, ids and reasons once', () => {
  const a = { critical: false, ids: ['CVE-2026-1'], because: ['a'] };
  const b = { critical: true, ids: ['CVE-2026-1', 'CVE-2026-2'], because: ['a', 'b'] };
  expect(mergeSecurity(null, a, b)).toEqual({ critical: true, ids: ['CVE-2026-1', 'CVE-2026-2'], because: ['a', 'b'] });
  expect(mergeSecurity(null, undefined)).toBeNull();
});
