import { Model } from 'objection';

/** A user's TOTP credential: unconfirmed while `confirmedAt` is null, then in force. */
export class TwoFactorCredentialModel extends Model {
  static override tableName = 'twoFactorCredentials';
  static override idColumn = 'userId';

  userId!: string;
  /** AES-256-GCM ciphertext of the base32 secret, sealed by the auth package; never leaves it in clear. */
  secretCiphertext!: Buffer;
  confirmedAt!: Date | null;
  /** The TOTP time step of the last accepted code (bigint: pg returns it as a string). */
  lastUsedStep!: string | null;
  createdAt!: Date;
}

/** One single-use recovery code, stored as the SHA-256 hash of its normalized text. */
export class RecoveryCodeModel extends Model {
  static override tableName = 'recoveryCodes';

  id!: string;
  userId!: string;
  codeHash!: Buffer;
  createdAt!: Date;
  usedAt!: Date | null;
}
