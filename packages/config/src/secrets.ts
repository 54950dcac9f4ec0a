/** Words people type where a secret belongs; longest first, so "development" is matched before "dev". */
const PLACEHOLDER_WORDS = [
  'development',
  'production',
  'placeholder',
  'groundwork',
  'changeme',
  'insecure',
  'password',
  'postgres',
  'example',
  'default',
  'secret',
  'sample',
  'passwd',
  'admin',
  'local',
  'dummy',
  'token',
  'test',
  'dev',
  'xxx',
];

/**
 * How much of the secret placeholder words make up before a secret counts as
 * one. A random 32-character secret holds a three-letter word now and then
 * (about 1 in 200 holds "dev", "test" or "xxx"), never a quarter of its length.
 */
const MAX_PLACEHOLDER_SHARE = 0.25;

/** Estimated bits per character a secret must carry beyond its placeholder words (random base64 carries about 5). */
const MIN_BITS_PER_REQUIRED_CHAR = 3;

/** Shannon entropy of the string's characters, in bits per character. */
function bitsPerChar(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Estimated entropy of the string in bits: bits per character times the
 * characters that do not merely repeat an earlier three-character sequence
 * (a phrase typed four times is as guessable as the phrase once).
 */
function estimatedBits(value: string): number {
  const trigrams = new Set<string>();
  for (let at = 0; at + 3 <= value.length; at += 1) trigrams.add(value.slice(at, at + 3));
  return bitsPerChar(value) * Math.min(value.length, trigrams.size + 2);
}

/**
 * The placeholder words found in `value` (case-insensitively, ignoring
 * separators) and what is left of it once they are taken out.
 */
function withoutPlaceholderWords(value: string): { words: string[]; share: number; rest: string } {
  const letters = [...value].flatMap((char, index) => (/[a-z0-9]/i.test(char) ? [{ char, index }] : []));
  const normalized = letters.map(({ char }) => char.toLowerCase()).join('');
  const covered = new Set<number>();
  const words = new Set<string>();
  for (const word of PLACEHOLDER_WORDS) {
    for (let at = normalized.indexOf(word); at !== -1; at = normalized.indexOf(word, at + 1)) {
      const span = Array.from({ length: word.length }, (_, offset) => at + offset);
      if (span.some((position) => covered.has(position))) continue;
      for (const position of span) covered.add(position);
      words.add(word);
    }
  }
  const removed = new Set([...covered].map((position) => letters[position]?.index));
  return {
    words: [...words],
    share: normalized.length === 0 ? 0 : covered.size / normalized.length,
    rest: [...value].filter((_, index) => !removed.has(index)).join(''),
  };
}

/**
 * Why a secret is unfit for production, or null when it looks like a real one.
 * Judges randomness, not spelling: a value copied from `.env.example`, a few
 * words, a repeated character or too little entropy is refused, while any
 * random secret of the required length passes. It cannot prove randomness,
 * only refuse the obvious.
 *
 * @param minLength the shortest acceptable secret (32 characters ≈ 192 bits of base64)
 */
export function weakSecretReason(value: string, minLength = 32): string | null {
  if (value.length < minLength) return `is shorter than ${minLength} characters`;
  const { words, share, rest } = withoutPlaceholderWords(value);
  if (share >= MAX_PLACEHOLDER_SHARE) {
    return `is mostly placeholder words (${words.map((word) => `"${word}"`).join(', ')})`;
  }
  if (bitsPerChar(value) < 3) return 'has too little variety to be random';
  if (estimatedBits(rest) < MIN_BITS_PER_REQUIRED_CHAR * minLength) {
    return 'has too little entropy to be random';
  }
  return null;
}
