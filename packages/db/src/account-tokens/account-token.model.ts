import { Model } from 'objection';

export const ACCOUNT_TOKEN_PURPOSES = ['email_verification', 'password_reset', 'email_change'] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

/** A one-time link of a user's account, stored as the hash of its secret. */
export class AccountTokenModel extends Model {
  static override tableName = 'account_tokens';

  id!: string;
  userId!: string;
  purpose!: AccountTokenPurpose;
  tokenHash!: Buffer;
  email!: string;
  createdAt!: Date;
  expiresAt!: Date;
  consumedAt!: Date | null;
}
