/**
 * Preloaded into the API by `bench/memory.ts` (bundled to plain JavaScript
 * and passed to `node --import`, so measuring adds no compiler to the process
 * measured): answers each IPC message with the process's memory figures.
 * Debug only.
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';

const MiB = 1024 * 1024;
const mib = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

/** RSS split by kind (anonymous memory vs. mapped files such as the node binary), from /proc. */
function proc() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return { rss: kib('VmRSS'), peakRss: kib('VmHWM'), rssAnon: kib('RssAnon'), rssFile: kib('RssFile') };
}

export function snapshot() {
  const usage = process.memoryUsage();
  const heap = v8.getHeapStatistics();
  const spaces = Object.fromEntries(
    v8.getHeapSpaceStatistics().map((space) => [space.space_name, mib(space.physical_space_size)]),
  );
  return {
    ...Object.fromEntries(Object.entries(proc()).map(([key, value]) => [key, Math.round(value * 10) / 10])),
    heapTotal: mib(usage.heapTotal),
    heapUsed: mib(usage.heapUsed),
    external: mib(usage.external),
    arrayBuffers: mib(usage.arrayBuffers),
    heapPhysical: mib(heap.total_physical_size),
    mallocedMemory: mib(heap.malloced_memory),
    peakMallocedMemory: mib(heap.peak_malloced_memory),
    spaces,
  };
}

if (process.send) {
  process.on('message', () => {
    process.send?.(snapshot());
  });
  // The channel must not keep the API alive once it is told to stop.
  process.channel?.unref();
}
