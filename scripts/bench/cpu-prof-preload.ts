/**
 * Preloaded with `NODE_OPTIONS=--import <this file>` (node refuses --cpu-prof
 * in NODE_OPTIONS): profiles the whole process with the in-thread inspector and
 * writes a .cpuprofile into BENCH_CPU_PROF_DIR when the process exits.
 * Same-thread inspector sessions answer synchronously, so the 'exit' handler
 * can still collect the profile.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
