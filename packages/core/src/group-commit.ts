type Waiting<TItem, TResult> = {
  item: TItem;
  resolve: (result: TResult) => void;
  reject: (error: unknown) => void;
};

export type GroupCommitOptions<TItem, TResult> = {
  /** Writes one batch; resolves to one result per item, in the items' order. */
  commit: (items: TItem[]) => Promise<TResult[]>;
  /** The most items one commit carries; the rest wait for the next. */
  maxBatchSize: number;
  /**
   * How long the first item of a batch waits for company when no commit is
   * running (0: until the event loop has read what already arrived). Items
   * that arrive while a commit runs wait for it instead, and go next.
   */
  windowMs: number;
};

/**
 * Group commit: concurrent callers share one write (one statement, one
 * pipeline) instead of paying for one each, and each still awaits its own
 * outcome (its result, or the batch's error). At most one commit runs at a
 * time, so under load the batch is whatever arrived during the previous one,
 * up to `maxBatchSize`; a caller alone waits at most `windowMs` before its
 * commit starts.
 *
 * @see docs/decisions/032-webhook-group-commit.md
 */
export function groupCommit<TItem, TResult>(options: GroupCommitOptions<TItem, TResult>) {
  if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
    throw new RangeError(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
  }
  let waiting: Waiting<TItem, TResult>[] = [];
  let committing = false;
  let scheduled: { cancel: () => void } | null = null;

  function schedule(): void {
    if (options.windowMs === 0) {
      const handle = setImmediate(flush);
      scheduled = { cancel: () => clearImmediate(handle) };
      return;
    }
    const handle = setTimeout(flush, options.windowMs);
    scheduled = { cancel: () => clearTimeout(handle) };
  }

  function flush(): void {
    scheduled?.cancel();
    scheduled = null;
    if (committing || waiting.length === 0) return;
    const batch = waiting.slice(0, options.maxBatchSize);
    waiting = waiting.slice(batch.length);
    committing = true;
    void commitBatch(batch);
  }

  async function commitBatch(batch: Waiting<TItem, TResult>[]): Promise<void> {
    try {
      const results = await options.commit(batch.map((entry) => entry.item));
      if (results.length !== batch.length) {
        throw new Error(`group commit returned ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((entry, index) => entry.resolve(results[index] as TResult));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      committing = false;
      // Whoever arrived during this commit has waited one already: they go at once.
      flush();
    }
  }

  return {
    /** Adds the item to the next batch; settles with its own result or the batch's error. */
    submit(item: TItem): Promise<TResult> {
      return new Promise<TResult>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (committing) return;
        if (waiting.length >= options.maxBatchSize) flush();
        else if (!scheduled) schedule();
      });
    },
    /** Items waiting for a commit (not counting the one running). */
    waitingCount: () => waiting.length,
  };
}

export type GroupCommit<TItem, TResult> = ReturnType<typeof groupCommit<TItem, TResult>>;
