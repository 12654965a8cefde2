import type { LoadResult } from './load-protocol.ts';

export interface Goal {
  minRatio: number;
  maxP99Ms: number;
}

/** Issue 2's goal for Foundations reads: half the ceiling's throughput or better, with p99 within 20 ms. */
export const GOAL: Goal = { minRatio: 0.5, maxP99Ms: 20 };
/** Issue 4's goals: slot search at 60% of its ceiling; booking at 60% with p99 within 50 ms at 10 connections. */
export const SLOT_SEARCH_GOAL: Goal = { minRatio: 0.6, maxP99Ms: Number.POSITIVE_INFINITY };
export const BOOKING_GOAL: Goal = { minRatio: 0.6, maxP99Ms: 50 };
/** Issue 7's goal: the path through the Spine Secure Proxy keeps 80% of the direct call's throughput. */
export const SSP_GOAL: Goal = { minRatio: 0.8, maxP99Ms: Number.POSITIVE_INFINITY };
/** Structured records against the same rows as one bare Bundle: ~300 items and ~1,000 items. */
export const STRUCTURED_300_GOAL: Goal = { minRatio: 0.7, maxP99Ms: 250 };
export const STRUCTURED_1000_GOAL: Goal = { minRatio: 0.6, maxP99Ms: 1000 };
/** No goal: one path reported against another (the HTML summary against the structured record). */
export const COMPARISON: Goal = { minRatio: 0, maxP99Ms: Number.POSITIVE_INFINITY };

/** A measured run, with how busy the machine was with other work just before it (see run.ts). */
export interface MeasuredRun extends LoadResult {
  machineBusyBeforePercent: number;
}

export interface ScenarioResult {
  name: string;
  providerPath: string;
  ceilingPath: string;
  ceiling: MeasuredRun;
  provider: MeasuredRun;
  /** Audit rows the provider wrote during its measured run: evidence that audit was on. */
  providerAuditRows: number;
  goal: Goal;
  /** provider req/s / ceiling req/s. */
  ratio: number;
  meetsRatio: boolean;
  meetsP99: boolean;
}

export function scenarioResult(
  name: string,
  paths: { provider: string; ceiling: string },
  ceiling: MeasuredRun,
  provider: MeasuredRun,
  providerAuditRows: number,
  goal: Goal = GOAL,
): ScenarioResult {
  const ratio = provider.requestsPerSecond / ceiling.requestsPerSecond;
  return {
    name,
    providerPath: paths.provider,
    ceilingPath: paths.ceiling,
    ceiling,
    provider,
    providerAuditRows,
    goal,
    ratio,
    meetsRatio: ratio >= goal.minRatio,
    meetsP99: provider.latencyMs.p99 <= goal.maxP99Ms,
  };
}

/** Runs that cannot be trusted: a bench of error responses measures the error path. */
export function failuresOf(result: LoadResult): string[] {
  const failures: string[] = [];
  if (result.responses === 0) failures.push('no responses');
  if (result.non2xx > 0) failures.push(`${result.non2xx} non-2xx responses (status codes ${JSON.stringify(result.statusCodes)})`);
  if (result.errors > 0) failures.push(`${result.errors} requests without a response (${result.timeouts} timeouts)`);
  return failures;
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const ms = (value: number) => value.toFixed(2).padStart(8);

export function formatScenario(result: ScenarioResult): string {
  const row = (label: string, r: LoadResult) =>
    `  ${label.padEnd(9)}${r.requestsPerSecond.toFixed(0).padStart(9)}${ms(r.latencyMs.p50)}${ms(r.latencyMs.p99)}${ms(r.latencyMs.max)}${String(r.responses).padStart(10)}`;
  return [
    `${result.name}`,
    `  provider ${result.providerPath}`,
    `  ceiling  ${result.ceilingPath}`,
    `  ${''.padEnd(9)}${'req/s'.padStart(9)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'max ms'.padStart(8)}${'responses'.padStart(10)}`,
    row('ceiling', result.ceiling),
    row('provider', result.provider),
    `  provider/ceiling ${(result.ratio * 100).toFixed(1)}% (${result.goal.minRatio > 0 ? `goal >= ${result.goal.minRatio * 100}%: ${verdict(result.meetsRatio)}` : 'no goal: a comparison'}), ` +
      `provider p99 ${result.provider.latencyMs.p99.toFixed(2)} ms` +
      (Number.isFinite(result.goal.maxP99Ms) ? ` (goal <= ${result.goal.maxP99Ms} ms: ${verdict(result.meetsP99)})` : ''),
    `  audit rows written during the provider run: ${result.providerAuditRows}`,
  ].join('\n');
}
