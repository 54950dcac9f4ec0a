import { generateSecret, generateURI, verify } from 'otplib';

const PERIOD_SECONDS = 30;
/** ±1 step: a code from the previous or next 30 s period still counts (clock drift, typing time). */
const TOLERANCE_SECONDS = PERIOD_SECONDS;

/** RFC 6238 TOTP through otplib: SHA-1, 6 digits, 30 s, the parameters every authenticator app supports. */
export const totp = {
  newSecret: (): string => generateSecret(),

  async enrolment(options: { secret: string; issuer: string; label: string }) {
    const otpauthUri = generateURI({ ...options, period: PERIOD_SECONDS });
    // Loaded on the first enrolment, not at start-up (ADR 039): only this rare step draws a QR code.
    const { default: QRCode } = await import('qrcode');
    return { otpauthUri, qrCode: await QRCode.toDataURL(otpauthUri) };
  },

  /**
   * The time step the code belongs to, or null when it matches none within
   * ±1 step of `nowMs`. Only steps after `afterStep` count (replay guard).
   */
  async matchingStep(options: { secret: string; code: string; nowMs: number; afterStep?: number }) {
    const result = await verify({
      secret: options.secret,
      token: options.code,
      epoch: Math.floor(options.nowMs / 1000),
      period: PERIOD_SECONDS,
      epochTolerance: TOLERANCE_SECONDS,
      ...(options.afterStep === undefined ? {} : { afterTimeStep: options.afterStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  },
};
