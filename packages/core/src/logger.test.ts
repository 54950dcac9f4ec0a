import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';

import { describe, expect, test } from 'vitest';

import { createLogger } from './logger.js';

/** A destination that collects what is written and tells when the first write arrives. */
function collector() {
  let text = '';
  let notify: () => void = () => undefined;
  const written = new Promise<void>((resolve) => (notify = resolve));
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      notify();
      callback();
    },
  });
  return { stream, written, text: () => text };
}

describe('createLogger', () => {
  test('when pretty is off (production and test), then every line is a JSON object with level, time and service', async () => {
    const out = collector();
    const logger = createLogger({ service: 'api', level: 'info', pretty: false }, out.stream);

    logger.info({ orderId: 7 }, 'order placed');
    await out.written;

    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'info',
      service: 'api',
      orderId: 7,
      msg: 'order placed',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
    });
  });

  test('when pretty is on (development), then lines are human-readable text, not JSON, and secrets stay redacted', async () => {
    const out = collector();
    const logger = createLogger({ service: 'api', level: 'info', pretty: true }, out.stream);

    logger.info({ req: { headers: { authorization: 'Bearer abc' } } }, 'order placed');
    await out.written;

    expect(out.text()).toMatch(/INFO.*order placed/);
    expect(out.text()).not.toContain('Bearer abc');
    expect(() => JSON.parse(out.text()) as unknown).toThrow();
  });

  test('when a process logs to standard output and exits at once, then every line still arrives, in order', () => {
    // pino writes standard output asynchronously (SonicBoom): what is buffered must be flushed on exit.
    const script = [
      `import { createLogger } from '${new URL('./logger.ts', import.meta.url).href}';`,
      "const logger = createLogger({ service: 'worker', level: 'info' });",
      "for (let i = 0; i < 2000; i++) logger.info({ i }, 'line');",
      'process.exit(3);',
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });

    const lines = child.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { i: number; service: string });
    expect(child.status).toBe(3);
    expect(lines.map((line) => line.i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(lines[0]?.service).toBe('worker');
  });
});
