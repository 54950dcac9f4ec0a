/** What other features may use of auth in the API: the signup fields and outputs, and the refresh cookie's delivery. */
export { emailInput, newPasswordInput, publicUserOutput, tokensOutput } from './auth.schema.js';
export { deliverRefreshCookie } from './refresh-cookie.middleware.js';
