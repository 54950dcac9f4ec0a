import { Model } from 'objection';

/** The local copy of one Stripe subscription; Stripe stays the truth and the worker re-syncs it. */
export class SubscriptionModel extends Model {
  static override tableName = 'subscriptions';

  id!: string;
  organizationId!: string;
  stripeCustomerId!: string;
  status!: string;
  priceId!: string;
  planKey!: 'pro' | 'business' | null;
  currentPeriodStart!: Date | null;
  currentPeriodEnd!: Date | null;
  cancelAtPeriodEnd!: boolean;
  trialEnd!: Date | null;
  canceledAt!: Date | null;
  stripeCreatedAt!: Date;
  syncedAt!: Date;
  createdAt!: Date;
  updatedAt!: Date;
}
