import { Model } from 'objection';

export class UserModel extends Model {
  static override tableName = 'users';

  id!: string;
  email!: string;
  passwordHash!: string;
  displayName!: string;
  emailVerifiedAt!: Date | null;
  tokensValidAfter!: Date;
  createdAt!: Date;
  updatedAt!: Date;
}
