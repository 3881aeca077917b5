/**
 * Row 3, constant memory: peak RSS of the supervisor plus all its descendants
 * (processor child, ffmpeg, ffprobe) while a video job post-processes a ~20 MB
 * and a ~200 MB source through the real pipeline. The video must move through
 * files, so the peak should not grow with the source size.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatCopies, makeHeavyClip } from './media.js';
import { sampleTreeRss } from './rss.js';
import { fixed } from './stats.js';
import type { BenchRow } from './types.js';
import { startVideoRig } from './video-rig.js';

async function peakDuringJob(clip: string): Promise<{ peakMb: number; samples: number; maxProcesses: number; wallMs: number }> {
  const rig = await startVideoRig(clip, { FFMPEG_VIDEO_PRESET: 'ultrafast' });
  try {
    const supervisor = await rig.supervisor({ WORKER_QUEUES: 'video-generation' });
    const sampler = sampleTreeRss(supervisor.pid, 50);
    // The sampler's timer is stopped on every path; a failed job still fails the row.
    const job = await rig.videoJob(300_000).finally(() => sampler.stop());
    const peak = sampler.stop();
    return { ...peak, wallMs: job.wallMs };
  } finally {
    await rig.close();
  }
}

export const memoryRow: BenchRow = {
  id: '3',
  title: 'Constant memory (peak RSS, supervisor + children)',
  target: '200 MB − 20 MB source ≤ 30 MB',
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'bench-memory-'));
    try {
      const small = join(dir, 'small.mp4');
      const large = join(dir, 'large.mp4');
      const smallBytes = await makeHeavyClip(small, 4);
      const largeBytes = await concatCopies(small, 10, large);
      log(`  sources: ${fixed(smallBytes / 1e6, 1)} MB and ${fixed(largeBytes / 1e6, 1)} MB`);
      const smallPeak = await peakDuringJob(small);
      log(`  small: ${JSON.stringify(smallPeak)}`);
      const largePeak = await peakDuringJob(large);
      log(`  large: ${JSON.stringify(largePeak)}`);
      const diff = largePeak.peakMb - smallPeak.peakMb;
      return {
        figure: `${fixed(smallPeak.peakMb)} MB (${fixed(smallBytes / 1e6)} MB src) vs ${fixed(largePeak.peakMb)} MB (${fixed(largeBytes / 1e6)} MB src): ${diff >= 0 ? '+' : ''}${fixed(diff, 1)} MB`,
        met: diff <= 30,
        data: { differenceMb: diff, small: { sourceBytes: smallBytes, ...smallPeak }, large: { sourceBytes: largeBytes, ...largePeak }, sampleIntervalMs: 50, preset: 'ultrafast' },
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
