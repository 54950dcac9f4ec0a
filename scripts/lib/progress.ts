/** A one-line progress bar on stderr (a line per 10 % when stderr is not a terminal). */
export function createProgress(label: string, total: number) {
  const tty = process.stderr.isTTY;
  let done = 0;
  let lastDecile = -1;
  const render = () => {
    const ratio = total === 0 ? 1 : done / total;
    if (tty) {
      const width = 30;
      const filled = Math.round(ratio * width);
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
      return;
    }
    const decile = Math.floor(ratio * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${label}: ${done}/${total}\n`);
    }
  };
  render();
  return {
    tick() {
      done += 1;
      render();
    },
    finish() {
      if (tty) process.stderr.write('\n');
    },
  };
}
