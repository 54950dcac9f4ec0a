/** What the request pipeline uses of API keys: the principal a key stands for, and the scope rule. */
export { type ApiKeyPrincipal, requireKeyAccess, scopeFor } from './api-key-access.js';
export { looksLikeApiKey } from './api-key-secret.js';
