/** The targets, checked against measured figures. */

export type Verdict = 'MET' | 'MISSED' | 'NOT MEASURED';

export interface TargetCheck {
  id: string;
  /** The target as the issue states it. */
  target: string;
  /** The measured value, as printed. */
  measured: string;
  verdict: Verdict;
  /** What limits the figure, when the target is missed and the run can tell. */
  note?: string;
}

/** `value` at most `limit`; a figure that could not be measured (NaN) is NOT MEASURED, never MET. */
export function atMost(value: number, limit: number): Verdict {
  if (!Number.isFinite(value) || !Number.isFinite(limit)) return 'NOT MEASURED';
  return value <= limit ? 'MET' : 'MISSED';
}

export function atLeast(value: number, limit: number): Verdict {
  if (!Number.isFinite(value) || !Number.isFinite(limit)) return 'NOT MEASURED';
  return value >= limit ? 'MET' : 'MISSED';
}

/** A ratio of two figures; NaN when the denominator is not a positive finite number. */
export function ratio(numerator: number, denominator: number): number {
  return Number.isFinite(denominator) && denominator > 0 ? numerator / denominator : Number.NaN;
}

/**
 * The gateway's share of a query's latency: the part of the time through the gateway that calling
 * the owning subgraphs directly does not spend. Zero when the gateway was not slower (noise).
 */
export function gatewayShare(throughGatewayMs: number, directMs: number): number {
  if (!(throughGatewayMs > 0) || !Number.isFinite(directMs)) return Number.NaN;
  return Math.max(0, throughGatewayMs - directMs) / throughGatewayMs;
}

/** Whether every count is the same (subgraph fetches per request across class sizes). */
export function allEqual(values: readonly number[]): boolean {
  return values.length > 0 && values.every((value) => value === values[0]);
}
