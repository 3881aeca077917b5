/** Public surface of the media slice: the post-processor factory, probing and the contract types. */
export { createVideoPostProcessor } from './post-processor.js';
export { probeVideo } from './probe.js';
export type { PostProcessFn, PostProcessRequest, VideoInfo } from './types.js';
