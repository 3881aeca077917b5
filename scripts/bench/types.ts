/** The contract between the bench runner and one row module. */

/** What one row measured: a one-line figure for the table plus its raw data for the JSON. */
export interface RowResult {
  /** Human-readable figure, e.g. `ratio 1.04 (bare 4710 ms, job 4890 ms)`. */
  figure: string;
  /** Whether the target was met; undefined when the row reports a figure without a target. */
  met: boolean | undefined;
  /** Everything measured, for bench/results/<timestamp>.json. */
  data: Record<string, unknown>;
  /** Why a target was missed and what would close the gap, when known. */
  note?: string;
}

/** One benchmark row: an id selectable with `--rows`, its target, and how to run it. */
export interface BenchRow {
  id: string;
  title: string;
  target: string;
  run(log: (line: string) => void): Promise<RowResult>;
}
