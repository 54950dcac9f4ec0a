import { productionNode } from '../../scripts/image/node-runtime.js';

/**
 * The `node` the measured servers (the product and the baselines) run on: the one production runs
 * (the Dockerfile's NODE_VERSION, fetched once into node_modules/.cache), unless `current` asks for
 * this process's own. In two runs minutes apart the stock echo served 6,494 req/s on Node 24 and 2,976
 * on Node 20, and the goals' ratios moved too (docs/performance.md, ADR 049), so a figure measured on
 * the wrong one says little about production. The load generator always runs on this process's node.
 */
export async function serverNode(options: { current: boolean }): Promise<{ path: string; version: string }> {
  return options.current ? { path: process.execPath, version: process.version } : productionNode();
}
