/** The content-generation pipeline: `parseContentGenerationData` then `runContentGeneration`. */
export { parseContentGenerationData, DEFAULT_CONTEXT, DEFAULT_DURATION_SEC, MAX_TEXT_CHARS, MAX_DURATION_SEC } from './parse.js';
export { runContentGeneration, contentKeys, followUpRequest } from './run.js';
export type {
  ContentCheckpoint,
  ContentGenerationDeps,
  ContentGenerationInput,
  ContentGenerationResult,
} from './types.js';
