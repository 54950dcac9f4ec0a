/**
 * Writes batched in memory, flushed on a timer that never holds the process
 * open; `stop` flushes what is left (graceful shutdown). Shared by the usage
 * and API-key last-used recorders.
 */
export function periodicFlush(flush: () => Promise<unknown>, intervalMs: number) {
  let timer: NodeJS.Timeout | undefined;
  return {
    start(): void {
      timer = setInterval(() => void flush(), intervalMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}
