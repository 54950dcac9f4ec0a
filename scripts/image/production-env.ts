import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export const PRODUCTION_ENV_EXAMPLE = '.env.production.example';

export type ExampleEntry = { name: string; value: string; required: boolean };

/** The settings `.env.production.example` lists, in order, and whether its "Required" section holds them. */
export async function readProductionExample(path = PRODUCTION_ENV_EXAMPLE): Promise<ExampleEntry[]> {
  const entries: ExampleEntry[] = [];
  let required = false;
  for (const line of (await readFile(path, 'utf8')).split('\n')) {
    const section = /^#\s*---\s*(Required|Optional)/i.exec(line);
    if (section) required = section[1]?.toLowerCase() === 'required';
    const setting = /^(\w+)=(.*)$/.exec(line);
    if (setting) entries.push({ name: setting[1] ?? '', value: setting[2] ?? '', required });
  }
  return entries;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A value of the right shape for an empty required setting, as an operator would generate it. */
function generate(name: string): string {
  if (name === 'STRIPE_SECRET_KEY') return `sk_test_${hex(24)}`;
  if (name === 'STRIPE_WEBHOOK_SECRET') return `whsec_${hex(24)}`;
  if (name.startsWith('STRIPE_PRICE_')) return `price_${hex(8)}`;
  if (name === 'JWT_SECRET' || name === 'AUTH_TWO_FACTOR_SECRET') return randomBytes(32).toString('base64');
  if (/(PASSWORD|SECRET|TOKEN)$/.test(name)) return hex(24);
  // A provider's shape on a host that never resolves (.invalid): whoever runs the stack points it at a real server.
  if (name === 'SMTP_URL') return `smtps://apikey:${hex(16)}@smtp.example.invalid:465`;
  if (name === 'MAIL_FROM') return 'Groundwork <no-reply@example.com>';
  throw new Error(`${PRODUCTION_ENV_EXAMPLE}: no way to fill the required ${name}; give it a value`);
}

/**
 * The example filled in the way its comments ask: `given` values first, then
 * the example's own, then generated ones for empty required settings. Optional
 * settings stay as the example has them.
 */
export function fillProductionEnv(entries: ExampleEntry[], given: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    entries.map(({ name, value, required }) => [
      name,
      given[name] ?? (value !== '' || !required ? value : generate(name)),
    ]),
  );
}
