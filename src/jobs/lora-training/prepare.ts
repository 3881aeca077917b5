/**
 * Turns a validated payload into everything the trainer needs: ids resolved
 * through the platform API, paths checked against their roots, the per-attempt
 * output directory chosen. Nothing is spawned or written here.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiClient } from '../../api/client.js';
import type { LoraConfig } from '../../config/lora.js';
import { UnrecoverableJobError } from '../../errors/job-errors.js';
import type { JobContext } from '../context.js';
import { resolveInside } from '../../trainer/paths.js';
import { parseTrainerSettings, type TrainerSettings } from '../../trainer/settings.js';
import type { LoraTrainingInput } from './input.js';

export interface PreparedTraining {
  settings: TrainerSettings;
  /** Real path inside the dataset root. */
  datasetDir: string;
  /** `<outputRoot>/<outputDir | trainingName | jobId>/attempt-<n>`, real path inside the output root. */
  outputDir: string;
  outputName: string;
  timeoutMs: number;
}

export type LoraApi = Pick<ApiClient, 'getDataset' | 'getLoraConfig'>;

export async function prepareTraining(
  input: LoraTrainingInput,
  api: LoraApi,
  config: LoraConfig,
  ctx: Pick<JobContext, 'jobId' | 'attempt' | 'signal'>,
): Promise<PreparedTraining> {
  const settings =
    input.config.kind === 'inline'
      ? input.config.settings
      : parseTrainerSettings(await api.getLoraConfig(input.config.id, ctx.signal), `LoRA config ${input.config.id}`, false);

  const [datasetPath, datasetField] =
    input.dataset.kind === 'path'
      ? [input.dataset.path, input.dataset.field]
      : [(await api.getDataset(input.dataset.id, ctx.signal)).path, `dataset ${input.dataset.id} path`];
  const datasetDir = resolveInside(config.datasetRoot, datasetPath, datasetField);
  const info = await stat(datasetDir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UnrecoverableJobError('DATASET_NOT_FOUND', `${datasetField} is not an existing directory`, {
      field: datasetField,
    });
  }

  const [base, baseField] =
    input.outputDir !== undefined
      ? [input.outputDir, 'outputDir']
      : [input.trainingName ?? ctx.jobId, input.trainingName !== undefined ? 'trainingName' : 'jobId'];
  const jobDir = resolveInside(config.outputRoot, base, baseField);
  // A fresh directory per attempt: a retry never sees (or uploads) a half-written file.
  const outputDir = resolveInside(config.outputRoot, join(jobDir, `attempt-${ctx.attempt}`), baseField);

  return {
    settings,
    datasetDir,
    outputDir,
    outputName: input.trainingName ?? 'lora',
    timeoutMs: Math.min(input.timeoutMs ?? config.trainingTimeoutMs, config.trainingTimeoutMs),
  };
}
