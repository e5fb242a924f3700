import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { noVerifyWarning, resolveTrust, type TlsTrust } from './tls-trust.js';

describe('resolveTrust: certificate trust decided as git decides it', () => {
  const cwd = '/work/project';

  it('uses the system authorities and verifies by default', () => {
    expect(resolveTrust({}, { cwd })).toEqual({ caFile: null, caFrom: null, verify: true, verifyFrom: null });
  });

  it('GIT_SSL_CAINFO wins over http.sslCAInfo; the config path is expanded like git expands it', () => {
    expect(resolveTrust({ GIT_SSL_CAINFO: '/etc/ca.pem' }, { cwd, sslCAInfo: '/other.pem' })).toMatchObject({ caFile: '/etc/ca.pem', caFrom: 'GIT_SSL_CAINFO' });
    expect(resolveTrust({ GIT_SSL_CAINFO: ' ' }, { cwd, sslCAInfo: '~/ca.pem' })).toMatchObject({ caFile: `${homedir()}/ca.pem`, caFrom: 'http.sslCAInfo' });
    expect(resolveTrust({}, { cwd, sslCAInfo: 'certs/ca.pem' })).toMatchObject({ caFile: '/work/project/certs/ca.pem' });
  });

  it('verification is off only when git says so: GIT_SSL_NO_VERIFY (any value) or http.sslVerify false', () => {
    expect(resolveTrust({ GIT_SSL_NO_VERIFY: '' }, { cwd })).toMatchObject({ verify: false, verifyFrom: 'GIT_SSL_NO_VERIFY' });
    for (const v of ['false', 'no', 'off', '0', 'FALSE']) expect(resolveTrust({}, { cwd, sslVerify: v })).toMatchObject({ verify: false, verifyFrom: 'http.sslVerify' });
    for (const v of ['true', 'yes', 'on', '1', null]) expect(resolveTrust({}, { cwd, sslVerify: v })).toMatchObject({ verify: true });
    // A value git itself rejects: git decides (the caller routes the project to git ls-remote).
    expect(resolveTrust({}, { cwd, sslVerify: 'maybe' })).toMatch(/http\.sslVerify has a value git reads as an error/);
  });

  it('warns only when verification is off, naming why and what to do instead', () => {
    const off = resolveTrust({}, { cwd, sslVerify: 'false' }) as TlsTrust;
    expect(noVerifyWarning(off, 'https://git.example/app.git')).toMatch(/^https:\/\/git\.example\/app\.git: TLS certificates are not verified, because git's http\.sslVerify is false; .*http\.sslCAInfo or GIT_SSL_CAINFO/);
    expect(noVerifyWarning(resolveTrust({}, { cwd }) as TlsTrust, 'x')).toBeNull();
  });
});
