import type { Cluster, Redis } from 'ioredis';

/** The pub/sub channel on which the worker announces that an organization's entitlements changed. */
export const entitlementsChannel = (keyPrefix: string) => `${keyPrefix}:billing:entitlements-changed`;

/** Tells every API instance to forget the organization's cached entitlements. */
export async function publishEntitlementsChanged(
  redis: Redis | Cluster,
  keyPrefix: string,
  organizationId: string,
): Promise<void> {
  await redis.publish(entitlementsChannel(keyPrefix), organizationId);
}
