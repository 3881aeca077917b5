/**
 * Pure parser of kohya_ss console output. kohya reports training through a tqdm
 * bar described `steps:` (redrawn with `\r`, which the line splitter turns into
 * separate lines) and prints `epoch N/M` when an epoch starts.
 */

/** What one line says about training progress; fields absent when the line does not say. */
export interface TrainerProgress {
  step: number;
  totalSteps: number;
  /** 0–100. */
  percent: number;
  epoch: number;
  totalEpochs: number;
  loss: number;
}

// `steps:  45%|████▌     | 450/1000 [02:10<02:39, 3.45it/s, avr_loss=0.0712]`.
// Other tqdm bars (latent caching, model loading) lack the `steps:` description and are ignored.
const STEPS = /\bsteps:\s*(\d{1,3})%\|[^|]*\|\s*(\d+)\/(\d+)/;
const LOSS = /\b(?:avr_loss|loss)=([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)/;
const EPOCH = /\bepoch (\d+)\/(\d+)\b/i;

/** Parses one output line; undefined when it carries no progress. */
export function parseTrainerLine(line: string): Partial<TrainerProgress> | undefined {
  const result: Partial<TrainerProgress> = {};
  const steps = STEPS.exec(line);
  if (steps) {
    const step = Number(steps[2]);
    const total = Number(steps[3]);
    result.step = step;
    result.totalSteps = total;
    result.percent = total > 0 ? round(Math.min(100, (step / total) * 100)) : Number(steps[1]);
    const loss = LOSS.exec(line);
    if (loss) result.loss = Number(loss[1]);
  }
  const epoch = EPOCH.exec(line);
  if (epoch) {
    result.epoch = Number(epoch[1]);
    result.totalEpochs = Number(epoch[2]);
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
