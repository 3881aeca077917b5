/**
 * Issue 2's figure: idle RSS of the supervisor plus its one processor child,
 * after one video job, with the real processors on all three queues.
 */
import { makeTestVideo } from '../../test/helpers/make-test-video.js';
import { setTimeout as delay } from 'node:timers/promises';
import { processTree, rssKb } from './rss.js';
import { fixed, median } from './stats.js';
import type { BenchRow } from './types.js';
import { startVideoRig } from './video-rig.js';

export const idleRow: BenchRow = {
  id: '7',
  title: 'Idle RSS (supervisor + one child, after one job) — issue 2',
  target: 'figure only',
  async run(log) {
    const video = await makeTestVideo();
    const rig = await startVideoRig(video.path, { FFMPEG_VIDEO_PRESET: 'ultrafast' });
    try {
      const supervisor = await rig.supervisor();
      await rig.videoJob();
      await delay(2000); // let the job's temp files, sockets and GC settle
      const totals: number[] = [];
      const own: number[] = [];
      let processes = 0;
      for (let i = 0; i < 20; i += 1) {
        const pids = processTree(supervisor.pid);
        processes = pids.length;
        totals.push(pids.reduce((sum, pid) => sum + rssKb(pid), 0) / 1024);
        own.push(rssKb(supervisor.pid) / 1024);
        await delay(100);
      }
      log(`  processes in tree: ${processes}; total ${fixed(median(totals), 1)} MB, supervisor ${fixed(median(own), 1)} MB`);
      return {
        figure: `${fixed(median(totals))} MB (supervisor ${fixed(median(own))} MB + child ${fixed(median(totals) - median(own))} MB, ${processes} processes)`,
        met: undefined,
        data: { totalMb: median(totals), supervisorMb: median(own), childMb: median(totals) - median(own), processes, samples: totals.length },
      };
    } finally {
      await rig.close();
      await video.remove();
    }
  },
};
