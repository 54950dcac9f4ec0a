import { ConfigError, type EnvSource, envSchema, withoutEmptyValues } from '@groundwork/config';
import { z } from 'zod';

const port = z.coerce.number({ error: 'expected a port number' }).int().min(0).max(65_535);

/**
 * Settings only the development tooling reads (`npm run dev`, `npm run stripe:emulator`,
 * Vite for the React example): never the API or the worker, so they stay out of the
 * product's schema. `.env.example` documents them in its last sections.
 */
export const devToolingSchema = z.object({
  DEV_POSTGRES_PORT: port.default(54329),
  DEV_STRIPE_EMULATOR_PORT: port.default(12111),
  // The dev inbox's SMTP port is the one an unset SMTP_URL means outside production (smtp://127.0.0.1:1025).
  DEV_SMTP_PORT: port.default(1025),
  DEV_INBOX_PORT: port.default(1080),
  WEB_PORT: port.default(5173),
  VITE_API_URL: z.url().optional(),
});

export const DEV_TOOLING_SETTINGS: readonly string[] = Object.keys(devToolingSchema.shape);

/** The dev settings plus the product settings the dev scripts need before a full config can exist. */
const devSettingsSchema = devToolingSchema.extend(
  envSchema
    .pick({
      REDIS_URL: true,
      PORT: true,
      DATABASE_URL: true,
      STRIPE_SECRET_KEY: true,
      SMTP_URL: true,
      EMAIL_DELIVERY: true,
    })
    .partial({ DATABASE_URL: true }).shape,
);

export type DevSettings = {
  redisUrl: string;
  embeddedPostgresPort: number;
  stripeEmulatorPort: number;
  apiPort: number;
  webPort: number;
  smtpPort: number;
  inboxPort: number;
  emailDelivery: 'smtp' | 'disabled';
  databaseUrl?: string;
  stripeSecretKey?: string;
  smtpUrl?: string;
};

/**
 * What `npm run dev` needs before a full configuration can exist (it may
 * still have to provide DATABASE_URL itself). Empty values count as unset.
 *
 * @throws ConfigError naming the bad variables
 */
export function loadDevSettings(source: EnvSource): DevSettings {
  const parsed = devSettingsSchema.safeParse(withoutEmptyValues(source));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), problem: issue.message })),
    );
  }
  const env = parsed.data;
  return {
    redisUrl: env.REDIS_URL,
    embeddedPostgresPort: env.DEV_POSTGRES_PORT,
    stripeEmulatorPort: env.DEV_STRIPE_EMULATOR_PORT,
    apiPort: env.PORT,
    webPort: env.WEB_PORT,
    smtpPort: env.DEV_SMTP_PORT,
    inboxPort: env.DEV_INBOX_PORT,
    emailDelivery: env.EMAIL_DELIVERY,
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.STRIPE_SECRET_KEY ? { stripeSecretKey: env.STRIPE_SECRET_KEY } : {}),
    ...(env.SMTP_URL ? { smtpUrl: env.SMTP_URL } : {}),
  };
}
