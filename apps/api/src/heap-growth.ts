import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 may grow the old generation past what survived the last full GC:
 * 1.5× instead of the up-to-4× it picks on a large machine under a high
 * allocation rate. Under load the API's live heap stays near 60 MiB, yet the
 * default let the old space reach 220 MiB of mostly garbage (peak RSS 320–372
 * MiB); with 1.5× the peak was 206 MiB at the same CPU per request within the
 * shared machine's noise (ADR 039). No ceiling is set: a larger live heap still
 * grows, it only collects sooner.
 *
 * Set here rather than on the command line because `node --heap-growing-percent`
 * is refused in NODE_OPTIONS and the API starts from five places (image CMD,
 * npm scripts, `dist/start.js`, the bench, the chaos stack). V8 reads the flag
 * at every full GC, so setting it before serving is enough.
 */
export const HEAP_GROWING_PERCENT = 50;

setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
