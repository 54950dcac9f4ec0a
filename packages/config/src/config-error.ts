export type Problem = { variable: string; problem: string };

/** Thrown when the environment does not satisfy the schema; `issues` names each bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly issues: readonly Problem[],
    hint?: string,
  ) {
    super(
      [
        'Invalid configuration:',
        ...issues.map(({ variable, problem }) => `  ${variable}: ${problem}`),
        ...(hint ? [hint] : []),
        'See .env.example for every setting and its format.',
      ].join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** The usual newcomer case: no .env, so NODE_ENV is unset and production's rules apply. */
export function unsetEnvironmentHint(present: Record<string, string>): string | undefined {
  if (present.NODE_ENV !== undefined) return undefined;
  return 'NODE_ENV is unset, so production rules apply. For local use: cp .env.example .env (it sets NODE_ENV=development).';
}
