import { productionNode } from '../../scripts/image/node-runtime.js';

/**
 * The `node` the measured servers (the product and the baselines) run on: the one production runs
 * (the Dockerfile's NODE_VERSION, fetched once into node_modules/.cache), unless `current` asks for
 * this process's own. The two differ by a factor, not a percentage: the stock echo served 2.2× the
 * requests on Node 24 that it served on Node 20 (docs/performance.md), so a figure measured on the
 * wrong one says little about production. The load generator always runs on this process's node.
 */
export async function serverNode(options: { current: boolean }): Promise<{ path: string; version: string }> {
  return options.current ? { path: process.execPath, version: process.version } : productionNode();
}
