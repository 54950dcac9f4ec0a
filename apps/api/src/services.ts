import { createSystemService } from './features/system/system.service.js';

/** Services shared by every request; built once at start-up. */
export function createServices(options: { version: string; startedAt: number }) {
  return {
    system: createSystemService(options),
  };
}

export type Services = ReturnType<typeof createServices>;
