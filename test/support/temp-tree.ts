import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { afterEach } from 'vitest';

/**
 * `writeTree(files)` makes a temporary folder holding `files` (relative path →
 * content) and returns its path; every folder it made is removed after each test.
 */
export function useTempTrees(prefix: string): (files: Record<string, string>) => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return async (files) => {
    const root = await mkdtemp(join(tmpdir(), prefix));
    made.push(root);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    return root;
  };
}
