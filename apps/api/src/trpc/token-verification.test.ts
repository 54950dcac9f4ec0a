/**
 * ADR 010's promise for the access token, checked where the request path
 * uses it: verifying a valid token constructs no key object per call and
 * throws nothing (not even an exception caught inside jsonwebtoken, which a
 * string key would cost on every call: `createPublicKey` throws, then a
 * secret key is made).
 */
import crypto, { generateKeyPairSync } from 'node:crypto';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';

import { beforeAll, describe, expect, test, vi } from 'vitest';

// Spied before jsonwebtoken loads: it takes `createPublicKey` and `createSecretKey` from crypto once, at load.
const createPublicKey = vi.spyOn(crypto, 'createPublicKey');
const createSecretKey = vi.spyOn(crypto, 'createSecretKey');
const { createAccessTokens } = await import('@groundwork/auth');
/** The part of jsonwebtoken the control case uses (the app does not depend on it directly). */
type JsonWebToken = {
  sign: (payload: object, key: string, options: { algorithm: 'HS256' }) => string;
  verify: (token: string, key: string, options: { algorithms: ['HS256'] }) => unknown;
};
/** jsonwebtoken as @groundwork/auth loads it, for the control case (a string key). */
const jwt = createRequire(import.meta.resolve('@groundwork/auth'))('jsonwebtoken') as JsonWebToken;

const SECRET = 'Q9vX2mL7pR4tW8zN3bY6cF1hJ5dG0sA-_eUk7Tq';
const base = { issuer: 'groundwork', audience: 'groundwork-api', ttlSeconds: 900 };
const subject = { userId: '6a1f2b8e-3c4d-4e5f-8a9b-0c1d2e3f4a5b', sessionId: '7b2e3c9f-4d5e-4f6a-9b0c-1d2e3f4a5b6c' };
const CALLS = 50;

/**
 * Counts every exception thrown while `run` runs, caught or not, native or
 * JavaScript, through the inspector (an in-thread session pauses and is
 * resumed synchronously).
 */
function exceptionsThrownBy(run: () => void): number {
  const session = new Session();
  session.connect();
  let thrown = 0;
  session.on('Debugger.paused', (message) => {
    if (message.params.reason === 'exception' || message.params.reason === 'promiseRejection') thrown += 1;
    session.post('Debugger.resume');
  });
  session.post('Debugger.enable');
  session.post('Debugger.setPauseOnExceptions', { state: 'all' });
  try {
    run();
  } finally {
    session.post('Debugger.setPauseOnExceptions', { state: 'none' });
    session.disconnect();
  }
  return thrown;
}

const keyConstructions = () => createPublicKey.mock.calls.length + createSecretKey.mock.calls.length;

describe.each([
  ['HS256', () => ({ algorithm: 'HS256' as const, keyId: 'hs-1', secret: SECRET })],
  [
    'RS256',
    () => ({
      algorithm: 'RS256' as const,
      keyId: 'rs-1',
      privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
      previousPublicKeys: new Map(),
    }),
  ],
])('access token verification (%s)', (_algorithm, keys) => {
  let tokens: ReturnType<typeof createAccessTokens>;
  let token = '';
  beforeAll(() => {
    tokens = createAccessTokens({ keys: keys(), ...base });
    token = tokens.issue(subject).token;
  });

  test(`when a valid token is verified ${CALLS} times, then no key object is constructed and nothing is thrown`, () => {
    createPublicKey.mockClear();
    createSecretKey.mockClear();
    let verified = 0;

    const thrown = exceptionsThrownBy(() => {
      for (let call = 0; call < CALLS; call += 1) if (tokens.verify(token)?.sid === subject.sessionId) verified += 1;
    });

    expect(verified).toBe(CALLS);
    expect(keyConstructions()).toBe(0);
    expect(thrown).toBe(0);
  });
});

describe('the instruments themselves (control)', () => {
  test('when jsonwebtoken is handed a string secret, then both instruments see its per-call key work', () => {
    const token = jwt.sign({ sid: subject.sessionId }, SECRET, { algorithm: 'HS256' });
    createPublicKey.mockClear();
    createSecretKey.mockClear();

    const thrown = exceptionsThrownBy(() => jwt.verify(token, SECRET, { algorithms: ['HS256'] }));

    expect(createPublicKey).toHaveBeenCalledTimes(1);
    expect(createSecretKey).toHaveBeenCalledTimes(1);
    expect(thrown).toBeGreaterThanOrEqual(1);
  });
});
