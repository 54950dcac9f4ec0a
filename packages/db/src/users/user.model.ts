import { Model } from 'objection';

export class UserModel extends Model {
  static override tableName = 'users';

  id!: string;
  email!: string;
  passwordHash!: string;
  displayName!: string;
  emailVerifiedAt!: Date | null;
  tokensValidAfter!: Date;
  /** Set when the account was deleted: the row is an anonymised tombstone. */
  deletedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;

  /** Belt and braces: a user serialized by mistake still never carries the hash. */
  override $formatJson(json: Record<string, unknown>) {
    const { passwordHash: _hidden, ...rest } = super.$formatJson(json);
    return rest;
  }
}
