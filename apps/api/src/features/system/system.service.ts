export type SystemStatus = { status: 'ok'; version: string; uptimeSeconds: number };

export function createSystemService(options: { version: string; startedAt: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  return {
    status(): SystemStatus {
      return {
        status: 'ok',
        version: options.version,
        uptimeSeconds: Math.floor((now() - options.startedAt) / 1000),
      };
    },
  };
}

export type SystemService = ReturnType<typeof createSystemService>;
