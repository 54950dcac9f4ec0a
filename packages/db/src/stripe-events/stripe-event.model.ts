import { Model } from 'objection';

export type StripeEventStatus = 'pending' | 'processed' | 'ignored' | 'failed';

/** One verified Stripe webhook event in the durable inbox, stored once by its Stripe id. */
export class StripeEventModel extends Model {
  static override tableName = 'stripe_events';
  /** jsonb: Objection serializes it on the way in; pg parses it on the way out. */
  static override jsonAttributes = ['payload'];

  id!: string;
  type!: string;
  apiVersion!: string | null;
  livemode!: boolean;
  stripeCreatedAt!: Date;
  payload!: { data: { object: Record<string, unknown> } } & Record<string, unknown>;
  status!: StripeEventStatus;
  attempts!: number;
  lastError!: string | null;
  receivedAt!: Date;
  processedAt!: Date | null;
}
