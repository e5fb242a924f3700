import { describe, expect, it } from 'vitest';
import { parseAllowedSigners } from './allowed-signers.js';
import { readVerifyOutput } from './signature.js';

// Output captured from git 2.39 `verify-tag --raw` (ssh-keygen for SSH, gpg status lines for OpenPGP).
describe('readVerifyOutput', () => {
  it('reads each outcome with who signed it', () => {
    expect(readVerifyOutput('v1', 0, 'Good "git" signature for alice@example.com with ED25519 key SHA256:DBnc5sjY\n')).toMatchObject({ status: 'good', signer: 'alice@example.com', key: 'ED25519 SHA256:DBnc5sjY' });
    expect(readVerifyOutput('v2', 1, 'Good "git" signature with ED25519 key SHA256:O8Mb\nNo principal matched.\n')).toMatchObject({ status: 'untrusted', signer: null, key: 'ED25519 SHA256:O8Mb' });
    expect(readVerifyOutput('v3', 1, 'error: no signature found\n').message).toContain('nobody signed it');
    expect(readVerifyOutput('v4', 1, 'error: v4: cannot verify a non-tag object of type commit.\n')).toMatchObject({ status: 'unsigned' });
    expect(readVerifyOutput('v5', 0, '[GNUPG:] GOODSIG ABCD Alice <a@x>\n[GNUPG:] VALIDSIG 0123FPR 2026\n')).toMatchObject({ status: 'good', signer: 'Alice <a@x>', key: '0123FPR' });
    expect(readVerifyOutput('v6', 1, '[GNUPG:] ERRSIG ABCD 22 10 00 1 9\n[GNUPG:] NO_PUBKEY ABCD\n')).toMatchObject({ status: 'untrusted', key: 'ABCD' });
    // GnuPG 2.2.40: the signer's fingerprint closes the ERRSIG line, and is what the refusal names.
    const fpr = 'D840A7422EA221E25FF79D3FA00E83FF4D45A00D';
    expect(readVerifyOutput('v7', 1, `[GNUPG:] NEWSIG\n[GNUPG:] ERRSIG A00E83FF4D45A00D 22 8 00 1796548739 9 ${fpr}\n[GNUPG:] NO_PUBKEY A00E83FF4D45A00D\n`)).toMatchObject({
      status: 'untrusted',
      key: fpr,
      message: `tag v7 is signed by OpenPGP key ${fpr}, which is not in the allowed keyring`,
    });
  });
});

describe('parseAllowedSigners', () => {
  it('lists principals and names bad lines', () => {
    const r = parseAllowedSigners('# team\nalice@x,bob@x namespaces="git" ssh-ed25519 AAAAC3Nz= alice\nbroken line\n');
    expect(r.principals).toEqual(['alice@x', 'bob@x']);
    expect(r.problems).toEqual(['line 3: no key type (ssh-ed25519, ssh-rsa, ecdsa-sha2-…) after the principals']);
  });
});
