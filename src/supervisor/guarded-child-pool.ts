/**
 * BullMQ's ChildPool with the gaps of bullmq-sandbox.md closed:
 * - a fork failure (EAGAIN, ENOMEM, missing binary) is reported, not thrown as an
 *   unhandled 'error' event that would kill the supervisor (§1.5);
 * - when a child exits, whatever it spawned is swept (its process group and the
 *   groups it recorded), so a SIGKILLed child leaves no ffmpeg or trainer behind;
 * - `clean()` escalates to SIGKILL of the whole group after a configurable grace
 *   instead of BullMQ's fixed 30 s;
 * - `trimIdle(n)` releases idle children above a limit (the pool never shrinks by itself).
 * `retain` mirrors BullMQ 6.7.6's own (pinned), adding listeners before the fork.
 */
import { ChildPool, type Child } from 'bullmq';
import { ForkSafeChild } from './fork-safe-child.js';
import type { SandboxedOptions } from 'bullmq';
import { signalGroup, sweepChildGroups } from '../process/process-groups.js';
import { sweepAttemptDirs } from './attempt-dirs.js';

export interface ChildExit {
  pid: number;
  processFile: string;
  exitCode: number | null;
  signal: string | null;
  /** True when the pool itself stopped the child (shutdown, trimming). */
  expected: boolean;
}

export interface ChildPoolHooks {
  onForkError(error: Error, processFile: string): void;
  onChildExit(exit: ChildExit): void;
  /** Every IPC message of every child, BullMQ's included; used for child telemetry. */
  onChildMessage?(message: unknown): void;
}

export interface GuardedChildPoolOptions extends SandboxedOptions {
  mainFile: string;
  /** Where children record the process groups they spawn. */
  pgroupDir: string;
  /** Where children make their per-attempt temp dirs (swept when a child dies). */
  attemptTmpRoot?: string;
  killGraceMs: number;
  hooks: ChildPoolHooks;
}

export class GuardedChildPool extends ChildPool {
  private readonly guarded: GuardedChildPoolOptions;
  private readonly stopping = new WeakSet<Child>();

  constructor(options: GuardedChildPoolOptions) {
    super(options);
    this.guarded = options;
  }

  override async retain(processFile: string): Promise<Child> {
    const reused = this.getFree(processFile).pop();
    if (reused) {
      this.retained[reused.pid] = reused;
      return reused;
    }
    const { mainFile, useWorkerThreads, workerForkOptions, hooks } = this.guarded;
    const child = new ForkSafeChild(mainFile, processFile, { useWorkerThreads, workerForkOptions });
    child.on('error', (error: Error) => hooks.onForkError(error, processFile));
    if (hooks.onChildMessage) child.on('message', (message: unknown) => hooks.onChildMessage?.(message));
    let pid: number | undefined;
    child.on('exit', (exitCode: number | null, signal: string | null) => {
      this.remove(child);
      if (pid === undefined) return;
      sweepChildGroups(this.guarded.pgroupDir, pid);
      if (this.guarded.attemptTmpRoot) sweepAttemptDirs(this.guarded.attemptTmpRoot, pid);
      hooks.onChildExit({ pid, processFile, exitCode, signal, expected: this.stopping.has(child) });
    });
    try {
      await child.init();
      pid = child.pid;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error('processor child exited before it could take a job');
      }
      this.retained[child.pid] = child;
      return child;
    } catch (error) {
      // Never pool a child that failed to start; kill whatever part of it exists.
      if (child.childProcess?.pid !== undefined) {
        this.stopping.add(child);
        void this.killGroup(child, 0);
      }
      throw error;
    }
  }

  /** SIGTERM every child, then SIGKILL their groups after the grace period. */
  override async clean(): Promise<void> {
    const children = [...Object.values(this.retained), ...this.getAllFree()];
    this.retained = {};
    this.free = {};
    await Promise.all(children.map((child) => this.killGroup(child, this.guarded.killGraceMs)));
  }

  /** SIGKILLs every child's process group at once (shutdown, after the abort grace). */
  async killAll(): Promise<void> {
    const children = [...Object.values(this.retained), ...this.getAllFree()];
    await Promise.all(children.map((child) => this.killGroup(child, 0)));
  }

  /** Kills idle children of `processFile` beyond `keep`; returns how many were released. */
  async trimIdle(processFile: string, keep: number): Promise<number> {
    const free = this.getFree(processFile);
    const excess = free.splice(Math.max(0, keep));
    await Promise.all(excess.map((child) => this.killGroup(child, this.guarded.killGraceMs)));
    return excess.length;
  }

  /** Number of live children (busy and idle). */
  size(): number {
    return Object.keys(this.retained).length + this.getAllFree().length;
  }

  private async killGroup(child: Child, graceMs: number): Promise<void> {
    const pid = child.childProcess?.pid;
    if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping.add(child);
    const exited = new Promise<void>((resolve) => child.childProcess?.once('exit', () => resolve()));
    if (graceMs > 0) child.childProcess?.kill('SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
