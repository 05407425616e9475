import type { ChaosSummary } from './scenario.ts';
export async function runWorkersChaos(_: { count: number; seed: number }): Promise<ChaosSummary> {
  throw new Error('todo');
}
