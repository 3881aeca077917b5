/** What the demo says about itself: which parts are real and which are stand-ins. */

export interface Endpoints {
  redisPort: number;
  apiUrl: string;
  s3Endpoint: string;
  comfyUrl: string;
  llmUrl: string;
}

export function introduction(endpoints: Endpoints): string {
  return [
    'influencerai worker demo: one content job -> LLM caption and script -> follow-up video job -> ComfyUI clip -> ffmpeg -> S3',
    '',
    'Real: the supervisor (node dist/src/main.js), BullMQ, redis-server, the three compiled processors, ffmpeg.',
    'Stand-ins started for this demo (and the variable that points the worker at the real service instead):',
    `  Redis         throwaway redis-server on 127.0.0.1:${endpoints.redisPort}   REDIS_HOST, REDIS_PORT, REDIS_PASSWORD`,
    `  platform API  local stand-in ${endpoints.apiUrl}   API_BASE_URL`,
    '                (records status PATCHes and, like the real API, enqueues the follow-up video job)',
    `  S3 storage    s3rver ${endpoints.s3Endpoint}   S3_ENDPOINT, S3_KEY, S3_SECRET, S3_BUCKET (MinIO, AWS S3, ...)`,
    `  ComfyUI       double serving an ffmpeg-made clip ${endpoints.comfyUrl}   COMFYUI_API_URL, COMFYUI_VIDEO_WORKFLOW_JSON`,
    `  LLM           OpenAI-compatible stand-in ${endpoints.llmUrl}   LLM_BASE_URL, LLM_API_KEY, LLM_MODEL`,
    '',
  ].join('\n');
}

export function conclusion(result: { bucket: string; key: string; url: string; localCopy: string; logFile: string; keep: boolean }): string {
  return [
    '',
    'Done. The final MP4:',
    `  bucket/key   ${result.bucket}/${result.key}`,
    `  local copy   ${result.localCopy}`,
    `  signed URL   ${result.url}`,
    result.keep
      ? '  (the S3 stand-in keeps serving that URL until you press Ctrl-C)'
      : '  (that URL is served by the S3 stand-in, which stops with the demo; run `npm run demo -- --keep` to keep it up)',
    `  supervisor log: ${result.logFile}`,
    '',
  ].join('\n');
}
