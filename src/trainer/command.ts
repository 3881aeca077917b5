/**
 * Pure builder of the trainer's argv. Every flag is written as `--flag=value` in
 * one argv entry, so a value that starts with `-` can never be read as a flag.
 */
import type { LoraConfig } from '../config/lora.js';
import type { TrainerSettings } from './settings.js';

/** What is spawned; also reported as the result's `command`. */
export interface TrainerCommand {
  command: string;
  args: string[];
  cwd: string;
}

export interface TrainerCommandInput {
  config: Pick<LoraConfig, 'trainerCommand' | 'trainerArgsPrefix' | 'trainerScript' | 'kohyaDir'>;
  settings: TrainerSettings;
  /** Absolute, already checked to be inside the dataset root. */
  datasetDir: string;
  /** Absolute, already checked to be inside the output root. */
  outputDir: string;
  /** File name stem of the saved LoRA. */
  outputName: string;
  /** Already validated by `validateKohyaArgs`; appended last. */
  kohyaArgs: readonly string[];
}

/** Config fields → kohya_ss `train_network.py` flags, in a stable order. */
export function buildTrainerCommand(input: TrainerCommandInput): TrainerCommand {
  const { config, settings } = input;
  const flags: Array<[string, string | number | undefined]> = [
    ['pretrained_model_name_or_path', settings.baseModel],
    ['train_data_dir', input.datasetDir],
    ['output_dir', input.outputDir],
    ['output_name', input.outputName],
    ['save_model_as', 'safetensors'],
    ['network_module', settings.networkModule],
    ['learning_rate', settings.learningRate],
    ['max_train_epochs', settings.epochs],
    ['train_batch_size', settings.batchSize],
    ['resolution', settings.resolution],
    ['network_dim', settings.networkDim],
    ['network_alpha', settings.networkAlpha],
    ['max_train_steps', settings.maxTrainSteps],
  ];
  const args = [
    ...config.trainerArgsPrefix,
    ...(config.trainerScript === undefined ? [] : [config.trainerScript]),
    ...flags.flatMap(([name, value]) => (value === undefined ? [] : [`--${name}=${String(value)}`])),
    ...input.kohyaArgs,
  ];
  return { command: config.trainerCommand, args, cwd: config.kohyaDir };
}
