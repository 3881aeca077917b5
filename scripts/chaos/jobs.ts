/**
 * The job mix of the chaos run: good jobs across the three queues (some
 * content jobs create a follow-up video job through the API) and a few
 * deliberately bad ones that must fail. Pure: a deterministic list from a seed.
 */
import type { QueueName } from '../../src/queues.js';

export interface PlannedJob {
  label: string;
  queue: QueueName;
  payload: Record<string, unknown>;
  expect: 'succeed' | 'fail';
}

const VIDEO = { caption: 'Chaos run', script: '0-3s: shoes. 3-6s: skyline.', persona: { name: 'Ava' }, durationSec: 6 };
const LORA_CONFIG = { baseModel: 'sd15.safetensors', epochs: 2, maxTrainSteps: 16, learningRate: 0.0001 };

const GOOD: Array<(n: number) => PlannedJob> = [
  (n) => ({ label: 'content', queue: 'content-generation', payload: { persona: { name: 'Ava' }, context: `run ${n}`, durationSec: 6, createVideo: false }, expect: 'succeed' }),
  (n) => ({ label: 'content+video', queue: 'content-generation', payload: { persona: { name: 'Ava' }, context: `run ${n}`, durationSec: 6 }, expect: 'succeed' }),
  () => ({ label: 'video', queue: 'video-generation', payload: { ...VIDEO }, expect: 'succeed' }),
  () => ({ label: 'video', queue: 'video-generation', payload: { ...VIDEO }, expect: 'succeed' }),
  (n) => ({ label: 'lora', queue: 'lora-training', payload: { datasetPath: 'faces', trainingName: `chaos-${n}`, config: LORA_CONFIG, kohyaArgs: ['--fake_mode=slow'] }, expect: 'succeed' }),
];

const BAD: Array<() => PlannedJob> = [
  () => ({ label: 'bad content: durationSec text', queue: 'content-generation', payload: { persona: { name: 'Ava' }, durationSec: 'long' }, expect: 'fail' }),
  () => ({ label: 'bad video: no caption', queue: 'video-generation', payload: { script: 'x' }, expect: 'fail' }),
  () => ({ label: 'bad lora: dataset traversal', queue: 'lora-training', payload: { datasetPath: '../../etc', config: LORA_CONFIG }, expect: 'fail' }),
  () => ({ label: 'bad lora: trainer exits 1', queue: 'lora-training', payload: { datasetPath: 'faces', config: LORA_CONFIG, kohyaArgs: ['--fake_mode=exit1'] }, expect: 'fail' }),
];

/** A small seeded generator (mulberry32): the same seed gives the same run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` jobs, about `badShare` of them bad, bad ones spread evenly through the run. */
export function planJobs(count: number, badShare: number, seed: number): PlannedJob[] {
  const random = seeded(seed);
  const badEvery = badShare > 0 ? Math.max(2, Math.round(1 / badShare)) : Number.POSITIVE_INFINITY;
  const jobs: PlannedJob[] = [];
  for (let n = 0; n < count; n += 1) {
    if ((n + 1) % badEvery === 0) {
      jobs.push((BAD[Math.floor(n / badEvery) % BAD.length] as () => PlannedJob)());
    } else {
      jobs.push((GOOD[Math.floor(random() * GOOD.length)] as (n: number) => PlannedJob)(n));
    }
  }
  return jobs;
}
