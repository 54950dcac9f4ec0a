import { setTimeout as pause } from 'node:timers/promises';

export type ReadyAnswer = { status: number; body: { status: string; checks: Record<string, string> } };

/** One GET of a `/ready` endpoint (`baseUrl` without the path). */
export async function fetchReady(baseUrl: string): Promise<ReadyAnswer> {
  const response = await fetch(`${baseUrl}/ready`);
  return { status: response.status, body: (await response.json()) as ReadyAnswer['body'] };
}

/**
 * Probes `/ready` until `predicate` holds, as an orchestrator would, at most
 * `attempts` times (a short pause between them); fails with the last answer.
 * For states that change in the background, where there is no event to await.
 */
export async function readyUntil(
  baseUrl: string,
  predicate: (answer: ReadyAnswer) => boolean,
  attempts = 200,
): Promise<ReadyAnswer> {
  let answer = await fetchReady(baseUrl);
  for (let attempt = 1; attempt < attempts && !predicate(answer); attempt += 1) {
    await pause(25);
    answer = await fetchReady(baseUrl);
  }
  if (!predicate(answer)) throw new Error(`/ready never got there; last answer: ${JSON.stringify(answer)}`);
  return answer;
}
