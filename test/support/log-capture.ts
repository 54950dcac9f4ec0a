import { Writable } from 'node:stream';

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/** A log destination that keeps every JSON line, so tests can assert on what was logged. */
export function createLogCapture() {
  const lines: LogLine[] = [];
  const listeners = new Set<() => void>();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text.trim()) lines.push(JSON.parse(text) as LogLine);
      }
      listeners.forEach((notify) => notify());
      callback();
    },
  });
  return {
    stream,
    lines,
    /** Resolves with the first line matching `predicate`, now or when it arrives. */
    waitFor: (predicate: (line: LogLine) => boolean): Promise<LogLine> =>
      new Promise((resolve) => {
        const check = () => {
          const found = lines.find(predicate);
          if (!found) return false;
          listeners.delete(listener);
          resolve(found);
          return true;
        };
        const listener = () => void check();
        if (!check()) listeners.add(listener);
      }),
  };
}
