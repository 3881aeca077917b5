/**
 * The malformed jobs of the bad-input test, one row each: what is enqueued,
 * and how it must end (status, attempts, a message a person can act on).
 * `shell(marker)` puts shell metacharacters in a string, each of which would
 * create a marker file (or delete a victim dir) if it ever reached a shell.
 */
import type { QueueName } from '../../src/queues.js';

export interface BadInputCase {
  name: string;
  queue: QueueName;
  /** The payload, or with `raw` the whole BullMQ job data (a broken envelope). */
  payload: unknown;
  raw?: boolean;
  expect: {
    status: 'failed' | 'succeeded';
    attempts: number;
    code?: string;
    message?: RegExp;
    /** Why this many attempts (the table's "retries?" column). */
    retry: string;
  };
}

export function shell(markers: string[], victim: string): string {
  const [a, b, c, d] = markers;
  return `x $(touch ${a}) \`touch ${b}\` ; touch ${c} | cat /etc/passwd && touch ${d} ; rm -rf ${victim}`;
}

const LORA_CONFIG = { baseModel: 'sd15.safetensors', epochs: 1, maxTrainSteps: 4 };
const VIDEO = { caption: 'A caption', script: '0-3s: shoes.' };
const once = (code: string, message: RegExp): BadInputCase['expect'] => ({ status: 'failed', attempts: 1, code, message, retry: 'no: unrecoverable' });
const invalid = (message: RegExp): BadInputCase['expect'] => once('INVALID_PAYLOAD', message);
const passes: BadInputCase['expect'] = { status: 'succeeded', attempts: 1, retry: 'n/a: valid text, used as data' };

export function badInputCases(sh: string): BadInputCase[] {
  const big = 'y'.repeat(30_000);
  return [
    // Broken envelopes (BullMQ data that is not {jobId, payload: object}).
    { name: 'data is a string', queue: 'content-generation', raw: true, payload: 'just text', expect: invalid(/data must be an object/) },
    { name: 'data is an array', queue: 'video-generation', raw: true, payload: [1, 2], expect: invalid(/data must be an object/) },
    { name: 'payload missing', queue: 'lora-training', raw: true, payload: { jobId: 'JOB' }, expect: invalid(/payload is missing/) },
    { name: 'payload is a number', queue: 'content-generation', raw: true, payload: { jobId: 'JOB', payload: 42 }, expect: invalid(/payload must be an object, got number/) },
    { name: 'payload over 256 KiB', queue: 'content-generation', payload: { persona: { bio: 'z'.repeat(300_000) } }, expect: invalid(/payload is \d+ bytes, more than/) },
    // content-generation
    { name: 'durationSec is text', queue: 'content-generation', payload: { durationSec: 'long' }, expect: invalid(/durationSec must be a number/) },
    { name: 'durationSec negative', queue: 'content-generation', payload: { durationSec: -5 }, expect: invalid(/durationSec must be > 0/) },
    { name: 'persona is a number', queue: 'content-generation', payload: { persona: 7 }, expect: invalid(/persona must be an object or a string/) },
    { name: 'persona is an array', queue: 'content-generation', payload: { persona: ['a'] }, expect: invalid(/persona must be an object or a string/) },
    { name: 'context 30 000 chars', queue: 'content-generation', payload: { context: big }, expect: invalid(/context must be at most 20000 characters/) },
    { name: 'priority 99', queue: 'content-generation', payload: { priority: 99 }, expect: invalid(/priority must be an integer from 1 to 10/) },
    { name: 'createVideo is "yes"', queue: 'content-generation', payload: { createVideo: 'yes' }, expect: invalid(/createVideo must be a boolean/) },
    { name: 'shell metacharacters in every string', queue: 'content-generation', payload: { persona: sh, context: sh, personaText: sh }, expect: passes },
    // video-generation
    { name: 'caption missing', queue: 'video-generation', payload: { script: 'x' }, expect: invalid(/caption must be a non-empty string/) },
    { name: 'caption is a number', queue: 'video-generation', payload: { ...VIDEO, caption: 5 }, expect: invalid(/caption must be a non-empty string/) },
    { name: 'script blank', queue: 'video-generation', payload: { ...VIDEO, script: '   ' }, expect: invalid(/script must be a non-empty string/) },
    { name: 'durationSec 0', queue: 'video-generation', payload: { ...VIDEO, durationSec: 0 }, expect: invalid(/durationSec must be a positive number/) },
    { name: 'durationSec 99999', queue: 'video-generation', payload: { ...VIDEO, durationSec: 99_999 }, expect: invalid(/durationSec must be at most 3600/) },
    { name: 'persona is a boolean', queue: 'video-generation', payload: { ...VIDEO, persona: true }, expect: invalid(/persona must be a string or an object/) },
    { name: 'caption 30 000 chars', queue: 'video-generation', payload: { ...VIDEO, caption: big }, expect: invalid(/caption must be at most 20000 characters/) },
    { name: 'parentJobId is an object', queue: 'video-generation', payload: { ...VIDEO, parentJobId: {} }, expect: invalid(/parentJobId must be a string/) },
    { name: 'shell metacharacters in every string', queue: 'video-generation', payload: { caption: sh, script: sh, persona: sh, context: sh, parentJobId: sh }, expect: passes },
    // lora-training
    { name: 'no dataset', queue: 'lora-training', payload: { config: LORA_CONFIG }, expect: invalid(/datasetPath is required/) },
    { name: 'config missing', queue: 'lora-training', payload: { datasetPath: 'faces' }, expect: invalid(/config is required/) },
    { name: 'unknown field', queue: 'lora-training', payload: { datasetPath: 'faces', config: LORA_CONFIG, gpu: 'all' }, expect: invalid(/unknown fields: gpu/) },
    { name: 'datasetPath traversal ../../etc', queue: 'lora-training', payload: { datasetPath: '../../etc', config: LORA_CONFIG }, expect: once('PATH_OUTSIDE_ROOT', /datasetPath may not contain "\.\."/) },
    { name: 'datasetPath absolute /etc', queue: 'lora-training', payload: { datasetPath: '/etc', config: LORA_CONFIG }, expect: once('PATH_OUTSIDE_ROOT', /datasetPath is outside its allowed root/) },
    { name: 'outputDir traversal ../../tmp', queue: 'lora-training', payload: { datasetPath: 'faces', outputDir: '../../tmp/evil', config: LORA_CONFIG }, expect: once('PATH_OUTSIDE_ROOT', /outputDir may not contain "\.\."/) },
    { name: 'trainingName with slash', queue: 'lora-training', payload: { datasetPath: 'faces', trainingName: '../x', config: LORA_CONFIG }, expect: invalid(/trainingName must be a plain name/) },
    { name: 'kohyaArgs sets --output_dir', queue: 'lora-training', payload: { datasetPath: 'faces', config: LORA_CONFIG, kohyaArgs: ['--output_dir=/tmp'] }, expect: invalid(/kohyaArgs\[0\]/) },
    { name: 'timeoutMs negative', queue: 'lora-training', payload: { datasetPath: 'faces', config: LORA_CONFIG, timeoutMs: -5 }, expect: invalid(/timeoutMs must be a positive integer/) },
    { name: 'datasetId with spaces', queue: 'lora-training', payload: { datasetId: 'a b', config: LORA_CONFIG }, expect: invalid(/datasetId must be an id/) },
    { name: 'shell metacharacters in trainingName', queue: 'lora-training', payload: { datasetPath: 'faces', trainingName: sh, config: LORA_CONFIG }, expect: invalid(/trainingName must be a plain name/) },
    { name: 'shell metacharacters in datasetPath', queue: 'lora-training', payload: { datasetPath: `faces${sh}`, config: LORA_CONFIG }, expect: once('DATASET_NOT_FOUND', /datasetPath is not an existing directory/) },
    { name: 'shell metacharacters in outputDir and kohyaArgs', queue: 'lora-training', payload: { datasetPath: 'faces', outputDir: `out ${sh}`, config: LORA_CONFIG, kohyaArgs: [`--comment=${sh}`] }, expect: passes },
  ];
}
