import { Model } from 'objection';

/** A password-reset request waiting for the worker (see the `password_reset_requests` migration). */
export class PasswordResetRequestModel extends Model {
  static override tableName = 'password_reset_requests';

  id!: string;
  email!: string;
  ip!: string;
  userAgent!: string | null;
  requestId!: string;
  createdAt!: Date;
}
