import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A minimal WebAuthn authenticator in software, so passkey tests exercise
 * @simplewebauthn/server's real verification instead of a mock. It speaks
 * only what a passkey needs: a P-256 key (COSE alg -7), 'none' attestation,
 * and a signature counter. Tests can tamper with origin, RP ID and counter
 * to prove the server refuses them.
 */

type CborValue = number | string | Uint8Array | Map<number | string, CborValue>;

/** Just enough CBOR (RFC 8949) for attestation objects and COSE keys. */
export function encodeCbor(value: CborValue): Buffer {
  if (typeof value === 'number') {
    return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) {
    return Buffer.concat([cborHead(2, value.length), value]);
  }
  const parts = [cborHead(5, value.size)];
  for (const [key, item] of value) parts.push(encodeCbor(key), encodeCbor(item));
  return Buffer.concat(parts);
}

function cborHead(majorType: number, length: number): Buffer {
  const major = majorType << 5;
  if (length < 24) return Buffer.from([major | length]);
  if (length < 0x100) return Buffer.from([major | 24, length]);
  if (length < 0x10000) {
    const head = Buffer.alloc(3);
    head[0] = major | 25;
    head.writeUInt16BE(length, 1);
    return head;
  }
  const head = Buffer.alloc(5);
  head[0] = major | 26;
  head.writeUInt32BE(length, 1);
  return head;
}

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_ATTESTED_CREDENTIAL_DATA = 0x40;

export type RegistrationOptionsLike = {
  challenge: string;
  rp: { id?: string; name: string };
  user: { id: string; name: string };
};

export type AuthenticationOptionsLike = {
  challenge: string;
  rpId?: string;
};

export type CeremonyOverrides = {
  /** The page origin the browser would report; defaults to the authenticator's origin. */
  origin?: string;
  /** The RP ID the authenticator hashes into authenticatorData. */
  rpId?: string;
  /** Leave out the user-verified flag, as a security key without a PIN would. */
  userVerified?: boolean;
};

export type SoftwareAuthenticatorOptions = {
  origin: string;
  rpId: string;
};

export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(32);
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  /** Exposed so a test can wind it back and replay an older counter. */
  signCount = 0;
  userHandle: string | undefined;

  constructor(private readonly defaults: SoftwareAuthenticatorOptions) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  get credentialIdBase64Url(): string {
    return this.credentialId.toString('base64url');
  }

  /** navigator.credentials.create(), answered as RegistrationResponseJSON. */
  createCredential(options: RegistrationOptionsLike, overrides: CeremonyOverrides = {}) {
    this.userHandle = options.user.id;
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, overrides);
    const authData = Buffer.concat([
      this.authenticatorDataHeader(
        overrides.rpId ?? options.rp.id ?? this.defaults.rpId,
        FLAG_ATTESTED_CREDENTIAL_DATA | this.verificationFlags(overrides),
      ),
      Buffer.alloc(16), // AAGUID: all zero for 'none' attestation
      lengthPrefix(this.credentialId.length),
      this.credentialId,
      this.cosePublicKey(),
    ]);
    const attestationObject = encodeCbor(
      new Map<string, CborValue>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.credentialIdBase64Url,
      rawId: this.credentialIdBase64Url,
      type: 'public-key' as const,
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
      response: {
        clientDataJSON: clientDataJSON.toString('base64url'),
        attestationObject: attestationObject.toString('base64url'),
        transports: ['internal' as const],
      },
    };
  }

  /** navigator.credentials.get(), answered as AuthenticationResponseJSON. */
  getAssertion(options: AuthenticationOptionsLike, overrides: CeremonyOverrides = {}) {
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, overrides);
    const authData = this.authenticatorDataHeader(
      overrides.rpId ?? options.rpId ?? this.defaults.rpId,
      this.verificationFlags(overrides),
    );
    const signedBytes = Buffer.concat([authData, sha256(clientDataJSON)]);
    const signature = sign('sha256', signedBytes, this.privateKey); // DER, as WebAuthn expects
    return {
      id: this.credentialIdBase64Url,
      rawId: this.credentialIdBase64Url,
      type: 'public-key' as const,
      clientExtensionResults: {},
      authenticatorAttachment: 'platform' as const,
      response: {
        clientDataJSON: clientDataJSON.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
        ...(this.userHandle === undefined ? {} : { userHandle: this.userHandle }),
      },
    };
  }

  private clientData(type: string, challenge: string, overrides: CeremonyOverrides): Buffer {
    const origin = overrides.origin ?? this.defaults.origin;
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  private verificationFlags(overrides: CeremonyOverrides): number {
    return FLAG_USER_PRESENT | (overrides.userVerified === false ? 0 : FLAG_USER_VERIFIED);
  }

  /** rpIdHash | flags | signCount; every ceremony bumps the counter like hardware does. */
  private authenticatorDataHeader(rpId: string, flags: number): Buffer {
    this.signCount += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.signCount, 0);
    return Buffer.concat([sha256(Buffer.from(rpId, 'utf8')), Buffer.from([flags]), counter]);
  }

  private cosePublicKey(): Buffer {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return encodeCbor(
      new Map<number, CborValue>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]),
    );
  }
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(length, 0);
  return prefix;
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}
