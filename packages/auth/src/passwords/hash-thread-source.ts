/**
 * The body of a hashing thread, as CommonJS run with `eval: true`: the same
 * text works under tsx, vitest and the esbuild bundle, with no extra build
 * entry to keep in step. bcrypt comes from the path the parent resolved.
 *
 * It lowers its own priority first: on Linux nice is per thread, so only this
 * thread yields to the event loop (elsewhere `setPriority(0, …)` would renice
 * the whole process, so it is skipped). It then hashes with bcrypt's *Sync
 * calls, which run on this thread; the async ones would run on libuv's shared
 * pool, whose threads cannot be reniced. 'close' ends the thread between jobs,
 * so shutdown never stops it inside bcrypt's native code.
 */
export const HASH_THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const os = require('node:os');
const bcrypt = require(workerData.bcryptPath);
if (workerData.nice > 0 && process.platform === 'linux') os.setPriority(0, workerData.nice);
parentPort.on('message', (job) => {
  if (job === 'close') return parentPort.close();
  try {
    const result = 'hash' in job ? bcrypt.compareSync(job.password, job.hash) : bcrypt.hashSync(job.password, job.cost);
    parentPort.postMessage({ result });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});
`;
