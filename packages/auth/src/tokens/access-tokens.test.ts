import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, test, vi } from 'vitest';

import { createAccessTokens, type SigningKeys } from './access-tokens.js';
import { generateRefreshToken } from './refresh-tokens.js';

const SECRET = 'k'.repeat(10) + 'Q9vX2mL7pR4tW8zN3bY6cF1hJ5dG0sA-_eU';
const hsKeys: SigningKeys = { algorithm: 'HS256', keyId: 'hs-1', secret: SECRET };
const base = { issuer: 'groundwork', audience: 'groundwork-api', ttlSeconds: 900 };
const subject = { userId: '6a1f2b8e-3c4d-4e5f-8a9b-0c1d2e3f4a5b', sessionId: '7b2e3c9f-4d5e-4f6a-9b0c-1d2e3f4a5b6c' };

function rsaKeyPair() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey;
}

/** Signs arbitrary claims and headers with a given key, the way an attacker would. */
function forge(payload: object, key: jwt.Secret, options: jwt.SignOptions) {
  return jwt.sign(payload, key, options);
}

const validClaims = { sub: subject.userId, sid: subject.sessionId, jti: 'j-1', iss: base.issuer, aud: base.audience };

describe('access tokens (HS256)', () => {
  const tokens = createAccessTokens({ keys: hsKeys, ...base });

  test('when issued, then it verifies with sub, sid, jti, iat and exp, typ at+jwt and the kid', () => {
    const { token, expiresAt } = tokens.issue(subject);

    const claims = tokens.verify(token);
    const header = jwt.decode(token, { complete: true })?.header;

    expect(claims).toMatchObject({ sub: subject.userId, sid: subject.sessionId, jti: expect.any(String) as string });
    expect((claims?.exp ?? 0) - (claims?.iat ?? 0)).toBe(900);
    expect(header).toMatchObject({ alg: 'HS256', typ: 'at+jwt', kid: 'hs-1' });
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 890_000);
  });

  test('when alg is none, then it is rejected', () => {
    const unsigned = forge(validClaims, '', { algorithm: 'none', header: { alg: 'none', typ: 'at+jwt', kid: 'hs-1' } });
    expect(tokens.verify(unsigned)).toBeNull();
  });

  test('when the token is expired, then it is rejected', () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = forge({ ...validClaims, iat: now - 1000, exp: now - 60 }, SECRET, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt', kid: 'hs-1' },
    });
    expect(tokens.verify(expired)).toBeNull();
  });

  test.each([
    ['issuer', { iss: 'someone-else' }],
    ['audience', { aud: 'another-api' }],
  ])('when the %s is wrong, then it is rejected', (_name, override) => {
    const token = forge({ ...validClaims, ...override }, SECRET, {
      algorithm: 'HS256',
      expiresIn: 60,
      header: { alg: 'HS256', typ: 'at+jwt', kid: 'hs-1' },
    });
    expect(tokens.verify(token)).toBeNull();
  });

  test.each([
    ['a plain JWT type', { typ: 'JWT', kid: 'hs-1' }],
    ['no type', { kid: 'hs-1' }],
    ['an unknown key id', { typ: 'at+jwt', kid: 'hs-2' }],
    ['no key id', { typ: 'at+jwt' }],
    ['a jku pointing elsewhere', { typ: 'at+jwt', kid: 'hs-1', jku: 'https://evil.example/jwks.json' }],
  ])('when the header has %s, then it is rejected', (_name, header) => {
    const token = forge(validClaims, SECRET, {
      algorithm: 'HS256',
      expiresIn: 60,
      header: { alg: 'HS256', ...header },
    });
    expect(tokens.verify(token)).toBeNull();
  });

  test('when a claim is missing, then it is rejected', () => {
    const { sid: _sid, ...withoutSid } = validClaims;
    const token = forge(withoutSid, SECRET, {
      algorithm: 'HS256',
      expiresIn: 60,
      header: { alg: 'HS256', typ: 'at+jwt', kid: 'hs-1' },
    });
    expect(tokens.verify(token)).toBeNull();
  });

  test('when signed with another secret or tampered with, then it is rejected', () => {
    const other = forge(validClaims, `${SECRET}x`, {
      algorithm: 'HS256',
      expiresIn: 60,
      header: { alg: 'HS256', typ: 'at+jwt', kid: 'hs-1' },
    });
    const [head, , signature] = tokens.issue(subject).token.split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ ...validClaims, sub: 'admin' })).toString('base64url')}.${signature}`;

    expect(tokens.verify(other)).toBeNull();
    expect(tokens.verify(tampered)).toBeNull();
  });

  test('when a refresh token or garbage is presented as an access token, then it is rejected', () => {
    expect(tokens.verify(generateRefreshToken())).toBeNull();
    expect(tokens.verify('')).toBeNull();
    expect(tokens.verify('a.b.c')).toBeNull();
  });

  test('when a JWT lives longer than the access TTL, then it is rejected even if exp says otherwise', () => {
    const now = Math.floor(Date.now() / 1000);
    const longLived = forge({ ...validClaims, iat: now - 1000, exp: now + 3600 }, SECRET, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt', kid: 'hs-1' },
    });
    expect(tokens.verify(longLived)).toBeNull();
  });
});

describe('remembered verifications (ADR 036)', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  test('when the same token comes again, then the claims come from memory without a second signature check', () => {
    const tokens = createAccessTokens({ keys: hsKeys, ...base });
    const { token } = tokens.issue(subject);
    const verify = vi.spyOn(jwt, 'verify');

    const first = tokens.verify(token);
    const second = tokens.verify(token);

    expect(second).toBe(first);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(Object.isFrozen(first)).toBe(true);
  });

  test('when a remembered token expires, then it is refused at exp plus the tolerance, as on a first check', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const issuedAt = new Date('2026-11-30T12:00:00Z').getTime();
    vi.setSystemTime(issuedAt);
    const tokens = createAccessTokens({ keys: hsKeys, ...base });
    const { token } = tokens.issue(subject);
    expect(tokens.verify(token)).not.toBeNull();

    vi.setSystemTime(issuedAt + (900 + 4) * 1000);
    expect(tokens.verify(token)).not.toBeNull();
    vi.setSystemTime(issuedAt + (900 + 5) * 1000);
    expect(tokens.verify(token)).toBeNull();
  });

  test('when a remembered token outlives the access TTL, then it is refused even though exp says otherwise', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Math.floor(new Date('2026-11-30T12:00:00Z').getTime() / 1000);
    vi.setSystemTime(now * 1000);
    const tokens = createAccessTokens({ keys: hsKeys, ...base });
    const oldButValid = forge({ ...validClaims, iat: now - 800, exp: now + 3600 }, SECRET, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt', kid: 'hs-1' },
    });
    expect(tokens.verify(oldButValid)).not.toBeNull();

    vi.setSystemTime((now + 105) * 1000);
    expect(tokens.verify(oldButValid)).toBeNull();
  });

  test('when a genuine token was remembered, then a copy with a changed signature is still checked and refused', () => {
    const tokens = createAccessTokens({ keys: hsKeys, ...base });
    const { token } = tokens.issue(subject);
    expect(tokens.verify(token)).not.toBeNull();

    const [head, payload] = token.split('.');
    expect(tokens.verify(`${head}.${payload}.${'A'.repeat(43)}`)).toBeNull();
  });

  test('when more tokens come than it holds, then the oldest is forgotten and checked again in full', () => {
    const tokens = createAccessTokens({ keys: hsKeys, ...base, verifiedCacheSize: 2 });
    const [a, b, c] = [1, 2, 3].map(() => tokens.issue(subject).token);
    const verify = vi.spyOn(jwt, 'verify');

    for (const token of [a, b, c, b, c, a]) expect(tokens.verify(token ?? '')).not.toBeNull();

    // a, b, c checked; b and c remembered; a checked again.
    expect(verify).toHaveBeenCalledTimes(4);
  });
});

describe('access tokens (RS256)', () => {
  const current = rsaKeyPair();
  const previous = rsaKeyPair();
  const keys: SigningKeys = {
    algorithm: 'RS256',
    keyId: 'rs-2',
    privateKey: current,
    previousPublicKeys: new Map([['rs-1', createPublicKey(previous)]]),
  };
  const tokens = createAccessTokens({ keys, ...base });

  test('when issued, then it verifies and the JWKS publishes current and previous public keys only', () => {
    const { token } = tokens.issue(subject);
    const jwks = tokens.jwks();

    expect(tokens.verify(token)?.sub).toBe(subject.userId);
    expect(jwks?.keys.map((key) => key.kid).sort()).toEqual(['rs-1', 'rs-2']);
    expect(jwks?.keys.every((key) => key.d === undefined && key.alg === 'RS256' && key.use === 'sig')).toBe(true);
  });

  test('when a token was signed with the previous key under its kid, then it still verifies (rotation)', () => {
    const token = forge(validClaims, previous, {
      algorithm: 'RS256',
      expiresIn: 60,
      header: { alg: 'RS256', typ: 'at+jwt', kid: 'rs-1' },
    });
    expect(tokens.verify(token)?.sid).toBe(subject.sessionId);
  });

  test('when the public key is used as an HS256 secret (algorithm confusion), then it is rejected', () => {
    const publicPem = createPublicKey(current).export({ format: 'pem', type: 'spki' });
    const confused = jwt.sign(validClaims, publicPem, {
      algorithm: 'HS256',
      expiresIn: 60,
      header: { alg: 'HS256', typ: 'at+jwt', kid: 'rs-2' },
      allowInsecureKeySizes: true,
      allowInvalidAsymmetricKeyTypes: true,
    } as jwt.SignOptions);
    expect(tokens.verify(confused)).toBeNull();
  });

  test('when signed by a key we never trusted under a known kid, then it is rejected', () => {
    const stranger = createPrivateKey(rsaKeyPair().export({ format: 'pem', type: 'pkcs8' }));
    const token = forge(validClaims, stranger, {
      algorithm: 'RS256',
      expiresIn: 60,
      header: { alg: 'RS256', typ: 'at+jwt', kid: 'rs-2' },
    });
    expect(tokens.verify(token)).toBeNull();
  });
});
