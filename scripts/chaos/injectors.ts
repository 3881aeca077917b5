/**
 * The fault injectors: each turns one scheduled fault into an action on this
 * run's own processes and stand-ins, and says what it hit. Signals only ever
 * go to processes found by `runProcesses` (this run's marker), never by name.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StandIns } from '../../test/helpers/stand-ins.js';
import type { SupervisorProcess } from '../../test/helpers/supervisor-process.js';
import { sleep } from '../../src/util/abort.js';
import type { Fault } from './schedule.js';
import { descendantsOf, runProcesses, signal, type RunMarker, type RunProcess } from './processes.js';

export interface SupervisorSlot {
  name: string;
  process: SupervisorProcess | undefined;
  /** Every process this slot ever ran, for the logs. */
  history: SupervisorProcess[];
}

export interface ChaosWorld {
  stand: StandIns;
  marker: RunMarker;
  slots: SupervisorSlot[];
  segvDir: string;
  /** Starts (or restarts) the supervisor of a slot and waits until it is ready. */
  startSlot(slot: SupervisorSlot): Promise<void>;
}

export interface InjectionResult {
  /** False when there was nothing to hit (e.g. no trainer running). */
  hit: boolean;
  detail: string;
}

function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return -1;
  }
}

/** A busy processor child: one with subprocesses (ffmpeg, trainer), else the one using CPU. */
async function pickChild(world: ChaosWorld): Promise<{ child: RunProcess; slot: string; why: string } | undefined> {
  const all = runProcesses(world.marker);
  const candidates = world.slots.flatMap((slot) =>
    slot.process ? all.filter((p) => p.ppid === slot.process?.pid).map((child) => ({ child, slot: slot.name })) : []);
  if (candidates.length === 0) return undefined;
  const withSubprocess = candidates.filter((c) => descendantsOf(c.child.pid, all).length > 0);
  if (withSubprocess.length > 0) {
    const pick = withSubprocess[Math.floor(Math.random() * withSubprocess.length)];
    return pick && { ...pick, why: 'has subprocesses' };
  }
  const before = new Map(candidates.map((c) => [c.child.pid, cpuTicks(c.child.pid)]));
  await sleep(300);
  const ranked = candidates
    .map((c) => ({ ...c, used: cpuTicks(c.child.pid) - (before.get(c.child.pid) ?? 0) }))
    .sort((a, b) => b.used - a.used);
  const top = ranked[0];
  return top && { child: top.child, slot: top.slot, why: top.used > 0 ? `used ${top.used} CPU ticks in 300 ms` : 'idle (none busy)' };
}

async function waitForTrainer(world: ChaosWorld, timeoutMs: number): Promise<RunProcess | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const trainer = runProcesses(world.marker).find((p) => p.cmdline.includes('fake-trainer.mjs'));
    if (trainer) return trainer;
    await sleep(100);
  }
  return undefined;
}

let tokens = 0;

export async function inject(fault: Fault, world: ChaosWorld): Promise<InjectionResult> {
  const { stand } = world;
  switch (fault.kind) {
    case 'kill-child': {
      const pick = await pickChild(world);
      if (!pick) return { hit: false, detail: 'no processor child alive' };
      const hit = signal(pick.child.pid, 'SIGKILL');
      return { hit, detail: `SIGKILL child ${pick.child.pid} of supervisor ${pick.slot} (${pick.why})` };
    }
    case 'ffmpeg-segv': {
      tokens += 1;
      await writeFile(join(world.segvDir, `token-${tokens}`), '');
      return { hit: true, detail: `token ${tokens}: the next ffmpeg encode of this run dies by SIGSEGV` };
    }
    case 'kill-trainer': {
      const trainer = await waitForTrainer(world, 45_000);
      if (!trainer) return { hit: false, detail: 'no trainer ran within 45 s' };
      return { hit: signal(trainer.pid, 'SIGKILL'), detail: `SIGKILL trainer ${trainer.pid}` };
    }
    case 'kill-supervisor': {
      const slot = world.slots[1];
      const victim = slot?.process;
      if (!slot || !victim) return { hit: false, detail: 'supervisor B not running' };
      slot.process = undefined;
      const hit = signal(victim.pid, 'SIGKILL');
      await victim.exited;
      return { hit, detail: `SIGKILL supervisor ${slot.name} pid ${victim.pid}` };
    }
    case 'restart-supervisor': {
      const slot = world.slots[1];
      if (!slot || slot.process) return { hit: false, detail: 'supervisor B already running' };
      await world.startSlot(slot);
      return { hit: true, detail: `supervisor ${slot.name} restarted as pid ${slot.history.at(-1)?.pid ?? -1}` };
    }
    case 'restart-redis': {
      const started = Date.now();
      await stand.rig.redis.stop();
      await stand.rig.redis.start();
      return { hit: true, detail: `redis restarted (AOF on), down ${Date.now() - started} ms` };
    }
    case 'api':
      stand.rig.api.setMode(fault.mode);
      return { hit: true, detail: `API mode ${fault.mode}` };
    case 's3':
      await (fault.up ? stand.s3.comeUp() : stand.s3.goDown());
      return { hit: true, detail: fault.up ? 'S3 back up' : 'S3 down' };
    case 'restart-comfy': {
      // Restart while a prompt runs, so a job really loses its prompt.
      const deadline = Date.now() + 20_000;
      while (!stand.comfy.engine.running && Date.now() < deadline) await sleep(20);
      const pending = stand.comfy.engine.pending.length + (stand.comfy.engine.running ? 1 : 0);
      stand.comfy.restart();
      return { hit: true, detail: `ComfyUI restarted, ${pending} queued/running prompts forgotten` };
    }
  }
}
