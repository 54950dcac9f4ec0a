import { Model } from 'objection';

/** One organization's count of one metric on one day. */
export class UsageDailyModel extends Model {
  static override tableName = 'usage_daily';
  static override idColumn = ['organizationId', 'day', 'metric'];

  organizationId!: string;
  day!: string;
  metric!: string;
  /** bigint: pg returns it as a string. */
  count!: string | number;
}
