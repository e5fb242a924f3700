import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { assertUsableToken, generateToken, isAuthorized, presentedToken, tokensEqual } from './auth.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('tokens', () => {
  it('are 32 random bytes in base64url', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateToken));
    expect(tokens.size).toBe(100);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(t, 'base64url')).toHaveLength(32);
      expect(() => assertUsableToken(t)).not.toThrow();
    }
  });

  it('compare exactly, whatever the lengths', () => {
    const t = generateToken();
    expect(tokensEqual(t, t)).toBe(true);
    expect(tokensEqual(`${t}`, t.slice(0))).toBe(true);
    expect(tokensEqual(t.slice(0, -1), t)).toBe(false);
    expect(tokensEqual(`${t}a`, t)).toBe(false);
    expect(tokensEqual('', t)).toBe(false);
    expect(tokensEqual(t.toUpperCase(), t.toLowerCase())).toBe(t.toUpperCase() === t.toLowerCase());
  });

  it('refuses weak or unsafe given tokens', () => {
    for (const bad of ['', 'short', 'a'.repeat(31), `${'a'.repeat(40)} `, `${'a'.repeat(40)}&x=1`, 'a'.repeat(513)]) expect(() => assertUsableToken(bad), bad).toThrow();
  });

  it('come from a Bearer header, or from ?token= only where allowed', () => {
    const q = new URLSearchParams('token=fromquery');
    expect(presentedToken(req({ authorization: 'Bearer abc' }), q, true)).toBe('abc');
    expect(presentedToken(req({ authorization: 'bearer   abc' }), q, false)).toBe('abc');
    expect(presentedToken(req({ authorization: 'Basic abc' }), q, true)).toBeNull();
    expect(presentedToken(req({ authorization: 'Bearer a b' }), q, true)).toBeNull();
    expect(presentedToken(req({}), q, false)).toBeNull();
    expect(presentedToken(req({}), q, true)).toBe('fromquery');
    const t = generateToken();
    expect(isAuthorized(req({ authorization: `Bearer ${t}` }), new URLSearchParams(), t, false)).toBe(true);
    expect(isAuthorized(req({}), new URLSearchParams({ token: t }), t, false)).toBe(false);
    expect(isAuthorized(req({}), new URLSearchParams({ token: t }), t, true)).toBe(true);
  });
});
