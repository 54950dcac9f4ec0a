import { Model } from 'objection';

/** One registered WebAuthn credential (a passkey) of a user. */
export class PasskeyModel extends Model {
  static override tableName = 'passkeys';

  id!: string;
  userId!: string;
  /** base64url, as authenticators and browsers send it. */
  credentialId!: string;
  /** COSE public key, as @simplewebauthn/server returns it at registration. */
  publicKey!: Buffer;
  /** Signature counter (bigint: pg returns it as a string). */
  counter!: string;
  transports!: string[];
  name!: string;
  deviceType!: 'singleDevice' | 'multiDevice';
  backedUp!: boolean;
  createdAt!: Date;
  lastUsedAt!: Date | null;
}
