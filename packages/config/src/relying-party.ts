import type { Problem } from './config-error.js';

type RelyingPartyInput = {
  APP_URL: string;
  WEBAUTHN_RP_ID?: string | undefined;
  WEBAUTHN_ORIGINS?: string[] | undefined;
};

/**
 * The WebAuthn relying party (ADR 028): the ID passkeys are bound to and the
 * page origins allowed to run a ceremony. Both default to the front end
 * (APP_URL), where the browser calls navigator.credentials.
 */
export function relyingParty(env: RelyingPartyInput): { rpId: string; origins: string[] } {
  const app = new URL(env.APP_URL);
  return { rpId: env.WEBAUTHN_RP_ID ?? app.hostname, origins: env.WEBAUTHN_ORIGINS ?? [app.origin] };
}

/** An origin may use an RP ID that is its own host or a parent domain of it (WebAuthn §5.1.3). */
export function relyingPartyProblems(env: RelyingPartyInput, production: boolean): Problem[] {
  const { rpId, origins } = relyingParty(env);
  // Origins derived from APP_URL: a plain http one is APP_URL's problem, reported there; a mismatch is the RP ID's.
  const explicit = env.WEBAUTHN_ORIGINS !== undefined;
  const problems: Problem[] = [];
  for (const origin of origins) {
    const { hostname, protocol } = new URL(origin);
    if (hostname !== rpId && !hostname.endsWith(`.${rpId}`)) {
      problems.push({
        variable: explicit ? 'WEBAUTHN_ORIGINS' : 'WEBAUTHN_RP_ID',
        problem: `${origin} is not on the RP ID's domain (${rpId})`,
      });
    }
    // Browsers allow WebAuthn on http://localhost only; anything else over http is a mistake or an attack.
    if (explicit && production && protocol !== 'https:' && hostname !== 'localhost') {
      problems.push({ variable: 'WEBAUTHN_ORIGINS', problem: `${origin}: only https:// origins in production` });
    }
  }
  return problems;
}
