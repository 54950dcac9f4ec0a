const PLACEHOLDER_WORDS = [
  'changeme',
  'change-me',
  'change_me',
  'placeholder',
  'example',
  'secret',
  'password',
  'groundwork',
  'postgres',
  'default',
  'dev',
  'test',
  'xxx',
];

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
 * Why a secret is unfit for production, or null when it looks like a real one.
 * Catches the usual accidents: a value copied from `.env.example`, a short
 * word, a repeated character. It cannot prove randomness, only refuse the obvious.
 *
 * @param minLength the shortest acceptable secret (32 characters ≈ 192 bits of base64)
 */
export function weakSecretReason(value: string, minLength = 32): string | null {
  if (value.length < minLength) return `is shorter than ${minLength} characters`;
  const lower = value.toLowerCase();
  const word = PLACEHOLDER_WORDS.find((candidate) => lower.includes(candidate));
  if (word) return `contains the placeholder word "${word}"`;
  if (bitsPerChar(value) < 3) return 'has too little variety to be random';
  return null;
}
