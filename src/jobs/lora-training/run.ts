/**
 * The lora-training pipeline: prepare inputs, run kohya_ss, upload every
 * `.safetensors` it wrote. Orchestration only; each step lives in src/trainer.
 */
import { mkdir, rm } from 'node:fs/promises';
import type { LoraConfig } from '../../config/lora.js';
import { UnrecoverableJobError } from '../../errors/job-errors.js';
import type { ProcessGroupRegistry } from '../../process/process-groups.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { findArtifacts } from '../../trainer/artifacts.js';
import { buildTrainerCommand, type TrainerCommand } from '../../trainer/command.js';
import { runTrainer } from '../../trainer/runner.js';
import { throwIfAborted } from '../../util/abort.js';
import type { JobContext } from '../context.js';
import type { LoraTrainingInput } from './input.js';
import { prepareTraining, type LoraApi } from './prepare.js';

/** One uploaded LoRA file. */
export interface LoraArtifact {
  /** `lora-training/<jobId>/<filename>`. */
  key: string;
  /** Presigned GET URL. */
  url: string;
  filename: string;
  sizeBytes: number;
}

/** Result of a `lora-training` job (stored on the API's job record). */
export interface LoraTrainingResult {
  /** The attempt's output directory on the worker host. */
  outputDir: string;
  artifacts: LoraArtifact[];
  /** Last lines of the trainer's output (at most 200). */
  logs: string[];
  command: TrainerCommand;
  progress: { stage: 'completed' | 'dry-run'; percent: 100 };
  /** Present (true) when nothing was run. */
  dryRun?: true;
}

export interface LoraTrainingDeps {
  api: LoraApi;
  store: ObjectStore;
  config: LoraConfig;
  /** The processor child's registry, so a crashed child's trainer can be swept. */
  registry?: ProcessGroupRegistry;
  /** Minimum time between progress reports (default 1000 ms). */
  progressIntervalMs?: number;
}

export async function runLoraTraining(
  input: LoraTrainingInput,
  deps: LoraTrainingDeps,
  ctx: JobContext,
): Promise<LoraTrainingResult> {
  const { config } = deps;
  const logger = ctx.logger.child({ stage: 'lora-training' });
  const prepared = await prepareTraining(input, deps.api, config, ctx);
  const command = buildTrainerCommand({
    config,
    settings: prepared.settings,
    datasetDir: prepared.datasetDir,
    outputDir: prepared.outputDir,
    outputName: prepared.outputName,
    kohyaArgs: input.kohyaArgs,
  });

  if (input.dryRun || config.dryRun) {
    logger.info('dry run: trainer not started', { outputDir: prepared.outputDir });
    await ctx.reportProgress({ stage: 'dry-run', percent: 100, command });
    return { outputDir: prepared.outputDir, artifacts: [], logs: [], command, progress: { stage: 'dry-run', percent: 100 }, dryRun: true };
  }

  throwIfAborted(ctx.signal);
  // The same attempt number can run twice (a stalled job is restarted): start clean.
  await rm(prepared.outputDir, { recursive: true, force: true });
  await mkdir(prepared.outputDir, { recursive: true });
  await ctx.reportProgress({ stage: 'training', percent: 0 });
  logger.info('trainer starting', { outputDir: prepared.outputDir, timeoutMs: prepared.timeoutMs });

  const run = await runTrainer({
    command,
    env: config.trainerEnv,
    timeoutMs: prepared.timeoutMs,
    killGraceMs: config.killGraceMs,
    signal: ctx.signal,
    ...(deps.registry ? { registry: deps.registry } : {}),
    onProgress: (progress) => ctx.reportProgress(progress),
    progressIntervalMs: deps.progressIntervalMs ?? 1000,
    logger,
  });

  const found = await findArtifacts(prepared.outputDir);
  if (found.length === 0) {
    // Retrying the same command is unlikely to produce a file it did not produce now.
    throw new UnrecoverableJobError('NO_ARTIFACTS', 'trainer exited with code 0 but wrote no .safetensors file', {
      outputDir: prepared.outputDir,
      logTail: run.tail,
    });
  }

  await ctx.reportProgress({ stage: 'uploading', percent: 100, files: found.length });
  const artifacts: LoraArtifact[] = [];
  for (const file of found) {
    throwIfAborted(ctx.signal);
    const key = `lora-training/${ctx.jobId}/${file.filename}`;
    const stored = await deps.store.uploadFile(key, file.path, 'application/octet-stream', ctx.signal);
    artifacts.push({ key, url: await deps.store.presignGet(key), filename: file.filename, sizeBytes: stored.sizeBytes });
  }
  logger.info('lora uploaded', { files: artifacts.length, bytes: artifacts.reduce((n, a) => n + a.sizeBytes, 0) });
  return { outputDir: prepared.outputDir, artifacts, logs: run.tail, command, progress: { stage: 'completed', percent: 100 } };
}
