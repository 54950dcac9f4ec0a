import { Model } from 'objection';

export const API_KEY_SCOPES = ['read', 'write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** An organization's API key, stored as the hash of its secret. */
export class ApiKeyModel extends Model {
  static override tableName = 'api_keys';

  id!: string;
  organizationId!: string;
  name!: string;
  keyHash!: Buffer;
  prefix!: string;
  lastFour!: string;
  scopes!: ApiKeyScope[];
  createdByUserId!: string | null;
  createdAt!: Date;
  expiresAt!: Date | null;
  lastUsedAt!: Date | null;
  revokedAt!: Date | null;
  replacedById!: string | null;
}
