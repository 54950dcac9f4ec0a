import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** `gw_live_` keys belong to a deployment with a live Stripe key, `gw_test_` to every other one. */
export type ApiKeyEnvironment = 'live' | 'test';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 43 base62 characters hold any 256-bit value (62^43 > 2^256). */
const BODY_LENGTH = 43;
/** 6 base62 characters hold any CRC-32. */
const CHECKSUM_LENGTH = 6;
const SHAPE = /^gw_(live|test)_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

export const apiKeyPrefix = (environment: ApiKeyEnvironment) => `gw_${environment}_` as const;

function base62(value: bigint, width: number): string {
  let out = '';
  let rest = value;
  for (let index = 0; index < width; index += 1) {
    out = ALPHABET.charAt(Number(rest % 62n)) + out;
    rest /= 62n;
  }
  return out;
}

/** CRC-32 of prefix and body, so a secret scanner can tell a real key from look-alike text offline. */
const checksumOf = (prefixAndBody: string) => base62(BigInt(crc32(prefixAndBody)), CHECKSUM_LENGTH);

/** The stored form: SHA-256 of the whole key (a 256-bit random secret needs no slow hash, ADR 025). */
export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key).digest();

/**
 * A new key: prefix, 256 random bits in base62 (an encoding of the bytes, so uniform), and a
 * checksum. Only `hash` is stored; `key` is shown once.
 */
export function generateApiKey(environment: ApiKeyEnvironment) {
  const prefix = apiKeyPrefix(environment);
  const body = prefix + base62(BigInt(`0x${randomBytes(32).toString('hex')}`), BODY_LENGTH);
  const key = body + checksumOf(body);
  return { key, hash: hashApiKey(key), prefix, lastFour: key.slice(-4) };
}

/**
 * The hash to look up, or null when the text cannot be a key of this deployment (wrong shape,
 * other environment, bad checksum): refused without touching the cache or the database.
 */
export function hashIfWellFormed(text: string, environment: ApiKeyEnvironment): Buffer | null {
  const match = SHAPE.exec(text);
  if (match?.[1] !== environment) return null;
  const body = text.slice(0, text.length - CHECKSUM_LENGTH);
  if (checksumOf(body) !== text.slice(-CHECKSUM_LENGTH)) return null;
  return hashApiKey(text);
}

/** Whether a bearer credential is meant as an API key rather than an access token (a JWT never starts so). */
export const looksLikeApiKey = (bearer: string) => bearer.startsWith('gw_');
