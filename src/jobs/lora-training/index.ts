/** Public surface of the lora-training pipeline for processors/lora-training.ts. */
export { parseLoraTrainingData, type LoraTrainingInput } from './input.js';
export {
  runLoraTraining,
  type LoraArtifact,
  type LoraTrainingDeps,
  type LoraTrainingResult,
} from './run.js';
export type { LoraApi } from './prepare.js';
