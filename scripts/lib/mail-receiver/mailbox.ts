/**
 * What a mail receiver has kept, oldest first, and at most `limit` of it (the
 * oldest go first), so a long session that sends thousands of mails keeps a
 * bounded heap. Readers wait for a message instead of polling.
 *
 * @param options.limit how many to keep; all of them by default
 */
export function createMailbox<TMail>(options: { limit?: number } = {}) {
  const limit = options.limit ?? Infinity;
  const mails: TMail[] = [];
  // Re-run after each arrival.
  const lookups = new Set<() => void>();

  function waitFor<TFound>(find: () => TFound | undefined): Promise<TFound>;
  function waitFor<TFound>(find: () => TFound | undefined, timeoutMs: number): Promise<TFound | null>;
  /**
   * Resolves with what `find` returns once it returns something, re-asked after
   * each arrival; with null after `timeoutMs`, when given.
   */
  function waitFor<TFound>(find: () => TFound | undefined, timeoutMs?: number): Promise<TFound | null> {
    return new Promise((resolve) => {
      const settle = (found: TFound | null) => {
        clearTimeout(timer);
        lookups.delete(lookup);
        resolve(found);
      };
      const lookup = () => {
        const found = find();
        if (found !== undefined) settle(found);
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => settle(null), timeoutMs);
      lookups.add(lookup);
      lookup();
    });
  }

  return {
    /** The kept messages, oldest first: the same array for the mailbox's life. */
    mails: mails as readonly TMail[],
    add(mail: TMail) {
      mails.push(mail);
      if (mails.length > limit) mails.splice(0, mails.length - limit);
      lookups.forEach((lookup) => lookup());
    },
    waitFor,
  };
}

export type Mailbox<TMail> = ReturnType<typeof createMailbox<TMail>>;
