/** What other features may use of organizations: the organization input every org-scoped procedure takes, and its outputs. */
export { organizationInput, organizationOutput, roleOutput } from './organizations.schema.js';
export { notAMember } from './not-a-member.js';
