import { type Config, deepFreeze, toConfig } from './config.js';
import { ConfigError, type Problem, unsetEnvironmentHint } from './config-error.js';
import { envSchema } from './env.schema.js';
import { type EnvSource, readEnv, withoutEmptyValues } from './read-env.js';
import { ruleInputSchema, ruleProblems } from './rules.js';
import { parseSigningKeys } from './signing-keys.js';

/** Every problem the variables that did parse have, when some did not: one start reports them all. */
function problemsOfWellFormed(present: Record<string, string>, formatProblems: Problem[]): Problem[] {
  const malformed = new Set(formatProblems.map(({ variable }) => variable));
  const wellFormed = ruleInputSchema.safeParse(
    Object.fromEntries(Object.entries(present).filter(([variable]) => !malformed.has(variable))),
  );
  // Which environment's rules apply is unknown when NODE_ENV itself is malformed.
  if (!wellFormed.success || malformed.has('NODE_ENV')) return [];
  const rules = [...parseSigningKeys(wellFormed.data).problems, ...ruleProblems(wellFormed.data)];
  return rules.filter(({ variable }) => !malformed.has(variable));
}

const UNUSED_WITHOUT_EMAIL = new Set(['SMTP_URL', 'MAIL_FROM']);

/**
 * With e-mail off the SMTP settings are not read, so whatever they hold is not
 * checked either: compose requires a value for both (ADR 029), and `none` will do.
 */
function withoutUnusedEmailSettings(present: Record<string, string>): Record<string, string> {
  if (present.EMAIL_DELIVERY !== 'disabled') return present;
  return Object.fromEntries(Object.entries(present).filter(([variable]) => !UNUSED_WITHOUT_EMAIL.has(variable)));
}

/**
 * Parses and validates the environment once, and derives what the apps read
 * from it (PEM keys become KeyObjects here). Empty strings count as unset.
 *
 * @param source the variables to read; tests pass a plain object, entry points pass `readEnv()`
 * @throws ConfigError naming every bad variable and what it expects
 */
export function loadConfig(source: EnvSource): Config {
  const present = withoutUnusedEmailSettings(withoutEmptyValues(source));
  const parsed = envSchema.safeParse(present);
  if (parsed.success) {
    const { keys, problems: keyProblems } = parseSigningKeys(parsed.data);
    const problems = [...keyProblems, ...ruleProblems(parsed.data)];
    if (problems.length > 0) throw new ConfigError(problems, unsetEnvironmentHint(present));
    return deepFreeze(toConfig(parsed.data, keys));
  }
  const formatProblems = parsed.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    return { variable, problem: variable in present ? issue.message : 'is required' };
  });
  throw new ConfigError(
    [...formatProblems, ...problemsOfWellFormed(present, formatProblems)],
    unsetEnvironmentHint(present),
  );
}

/** Entry points call this: a bad configuration stops the process before it accepts any work. */
export function loadConfigOrExit(source: EnvSource = readEnv()): Config {
  try {
    return loadConfig(source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
