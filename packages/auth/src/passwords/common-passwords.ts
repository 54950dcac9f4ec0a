import commonPasswordList from './data/common-passwords.json' with { type: 'json' };

/**
 * The 100,000 most common breached passwords (SecLists, MIT; see
 * data/README.md), lower-cased, read once when the module loads and held
 * compactly: the entries sorted in one string, with where each starts
 * (≈ 1 MiB, where a Set of 96,000 strings held ≈ 6 MiB of heap in every API
 * process; ADR 036). Built on the first look-up (a password being chosen), not
 * at start-up, and searched by binary search.
 */
function sortedList(text: string): { entries: string; starts: Uint32Array } {
  // Sorted by UTF-16 code units, the order `<` compares in.
  const sorted = [...new Set(text.split('\n'))].filter(Boolean).sort();
  const starts = new Uint32Array(sorted.length + 1);
  let offset = 0;
  sorted.forEach((entry, index) => {
    starts[index] = offset;
    offset += entry.length + 1;
  });
  starts[sorted.length] = offset;
  return { entries: sorted.join('\n') + '\n', starts };
}

let compactList: ReturnType<typeof sortedList> | undefined;

function isListed(text: string): boolean {
  compactList ??= sortedList(commonPasswordList);
  const { entries, starts } = compactList;
  let low = 0;
  let high = starts.length - 2;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const entry = entries.slice(starts[middle], (starts[middle + 1] ?? 0) - 1);
    if (entry === text) return true;
    if (entry < text) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

/** How many entries the list holds (an empty list would silently disable the check); counted without building it. */
export const commonPasswordCount = countLines(commonPasswordList);

function countLines(text: string): number {
  let count = 0;
  for (let start = 0; start < text.length;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (end > start) count += 1;
    start = end + 1;
  }
  return count;
}

/**
 * A stripped or de-substituted form shorter than this is not looked up: "ab"
 * followed by seven random digits and symbols is not a dictionary word with a
 * suffix, and a two-letter entry would refuse it.
 */
const MIN_BASE_CHARACTERS = 4;

/** Digits, punctuation, symbols and spaces people append to meet a composition rule. */
const TRAILING_DIGITS_AND_SYMBOLS = /[\p{N}\p{P}\p{S}\s]+$/u;

/** Look-alike substitutions undone; `1` reads as `i` or `l`, so both are tried. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '0': 'o',
  '3': 'e',
  '4': 'a',
  '@': 'a',
  '5': 's',
  $: 's',
  '7': 't',
  '+': 't',
  '8': 'b',
  '9': 'g',
  '!': 'i',
  '|': 'l',
};

function undoLookAlikes(text: string, one: 'i' | 'l'): string {
  return [...text].map((char) => (char === '1' ? one : (LOOK_ALIKES[char] ?? char))).join('');
}

/**
 * The forms a guesser would derive `password` from: lower-cased, without its
 * trailing digits and symbols, and with look-alikes undone (`P@ssw0rd1!` →
 * `password`). Exported for tests.
 */
export function guessableForms(password: string): Set<string> {
  const lower = password.toLowerCase();
  const forms = new Set([password, lower]);
  for (const text of [lower, lower.replace(TRAILING_DIGITS_AND_SYMBOLS, '')]) {
    for (const form of [text, undoLookAlikes(text, 'i'), undoLookAlikes(text, 'l')]) {
      if ([...form].length >= MIN_BASE_CHARACTERS) forms.add(form);
    }
  }
  return forms;
}

/**
 * True when the whole password, in any of its {@link guessableForms}, is a
 * common breached password. Substrings are not searched: a passphrase that
 * contains a common word ("correct horse battery staple") is not refused.
 */
export function isCommonPassword(password: string): boolean {
  for (const form of guessableForms(password)) if (isListed(form)) return true;
  return false;
}
