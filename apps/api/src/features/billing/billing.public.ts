/** What other features may use of billing in the API: plan outputs and the usage counter of gated calls. */
export { limitsOutput, planKeyOutput } from './billing.schema.js';
export { GATED_CALLS_METRIC, type UsageRecorder } from './usage-recorder.js';
