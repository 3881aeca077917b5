/** The video-generation pipeline's public surface, for processors/video-generation.ts. */
export { parseVideoGenerationData, MAX_TEXT_LENGTH, type VideoGenerationInput } from './input.js';
export { runVideoGeneration, type VideoGenerationDeps, type VideoGenerationResult } from './pipeline.js';
export { PROMPT_CHECKPOINT_KEY, type ComfyTiming } from './generate.js';
