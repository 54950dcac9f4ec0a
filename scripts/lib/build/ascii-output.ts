import { readFile, writeFile } from 'node:fs/promises';

/**
 * esbuild escapes non-ASCII characters in code but copies comments as they
 * are, and one "—" or "→" left in a comment makes V8 hold the whole file's
 * source as a two-byte string: twice the heap for every megabyte of bundle,
 * in every process, for as long as it runs (≈ 10 MiB for the API; ADR 039).
 * Each such character becomes its JavaScript escape, which means the same
 * character wherever esbuild could have left one (string, template, regular
 * expression, identifier) and is readable in a comment.
 */
export function asciiOnly(source: string): string {
  return source.replace(/[^\0-\x7F]/gu, (character) => {
    const code = character.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Rewrites the built JavaScript files that hold a non-ASCII character; returns how many it rewrote. */
export async function rewriteAsAscii(files: readonly string[]): Promise<number> {
  let rewritten = 0;
  for (const file of files.filter((name) => name.endsWith('.js'))) {
    const source = await readFile(file, 'utf8');
    const ascii = asciiOnly(source);
    if (ascii === source) continue;
    await writeFile(file, ascii);
    rewritten += 1;
  }
  return rewritten;
}
