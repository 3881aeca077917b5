/** Contracts of the content-generation pipeline: validated input, deps, result. */
import type { ApiClient } from '../../api/client.js';
import type { LlmClient, Persona } from '../../llm/index.js';
import type { ObjectStore } from '../../storage/object-store.js';

/** The job payload after validation, defaults applied. */
export interface ContentGenerationInput {
  /** `persona` (object or text) or, failing that, `personaText`; undefined when neither. */
  persona: Persona | undefined;
  /** `context`, or `theme`, or "general social post". */
  context: string;
  /** Length of the follow-up video in seconds (default 15). */
  durationSec: number;
  /** Whether to create the follow-up `video-generation` job (default true). */
  createVideo: boolean;
  /** Priority 1-10 of the follow-up job; undefined lets the API decide. */
  priority: number | undefined;
}

/** What the pipeline needs from the outside world; narrow on purpose. */
export interface ContentGenerationDeps {
  llm: Pick<LlmClient, 'complete'>;
  store: ObjectStore;
  api: Pick<ApiClient, 'createJob'>;
}

/**
 * The job's result. `costTok` is the total of tokens used by the caption and
 * script calls (prompt + completion, as reported by the provider); the
 * processor moves it to the top level of the `succeeded` PATCH body.
 */
export interface ContentGenerationResult {
  caption: string;
  script: string;
  /** `content-generation/<jobId>/caption.txt` */
  captionKey: string;
  /** `content-generation/<jobId>/script.txt` */
  scriptKey: string;
  captionUrl: string;
  scriptUrl: string;
  /** Id of the follow-up video-generation job; null when `createVideo` is false. */
  childJobId: string | null;
  costTok: number;
}

/**
 * Keys this pipeline keeps in `ctx.checkpoint` so a retry resumes: the texts
 * (and their token counts) so the LLM is not paid twice, and the child job id
 * so the follow-up job is created once.
 */
export interface ContentCheckpoint {
  caption?: string;
  captionTokens?: number;
  script?: string;
  scriptTokens?: number;
  childJobId?: string;
}
