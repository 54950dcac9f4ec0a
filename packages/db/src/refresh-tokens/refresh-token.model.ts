import { Model } from 'objection';

/** One refresh token of a family (a session); only the SHA-256 hash of the token is stored. */
export class RefreshTokenModel extends Model {
  static override tableName = 'refreshTokens';

  id!: string;
  tokenHash!: Buffer;
  familyId!: string;
  /** The token this one was exchanged for; null for the family's head. */
  parentId!: string | null;
  userId!: string;
  createdAt!: Date;
  usedAt!: Date | null;
  revokedAt!: Date | null;
  familyExpiresAt!: Date;
  userAgent!: string | null;
  ip!: string | null;
}
