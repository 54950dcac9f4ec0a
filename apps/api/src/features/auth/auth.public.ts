/** What other features may use of auth's API part: the text field every user-typed name goes through. */
export { safeText } from './auth.schema.js';
