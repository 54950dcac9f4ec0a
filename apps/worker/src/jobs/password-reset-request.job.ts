import type { PasswordResetRequestRepository } from '@groundwork/db';

/**
 * Queues password-reset requests stored before `olderThan` and still there:
 * their enqueue failed (Redis down when the API answered) or their job was
 * lost (Redis data loss) or failed. A request whose job is still waiting is
 * left alone (one job id per request), so sweeping often never duplicates work.
 */
export function createPasswordResetRequestSweep(deps: {
  requests: Pick<PasswordResetRequestRepository, 'listWaitingIds'>;
  requeue: (resetRequestId: string) => Promise<void>;
}) {
  return async function sweepPasswordResetRequests(options: { graceMs: number; limit?: number }): Promise<number> {
    const ids = await deps.requests.listWaitingIds(new Date(Date.now() - options.graceMs), options.limit);
    for (const id of ids) await deps.requeue(id);
    return ids.length;
  };
}
