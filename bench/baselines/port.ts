/**
 * The port the bench runner chose, from the command line: the baselines load
 * nothing of ours (not even the config package), so they stay the stock
 * servers they stand for.
 */
export function benchPort(): number {
  const port = Number(process.argv[2]);
  if (!Number.isInteger(port) || port <= 0) throw new Error('usage: node <baseline>.js <port>');
  return port;
}
