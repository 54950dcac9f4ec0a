/**
 * A value made on first use and shared by every caller after (a module loaded with `import()`, what is
 * built from it). A failed attempt is not remembered: the next call tries again (ADR 048).
 */
export function onFirstUse<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}
