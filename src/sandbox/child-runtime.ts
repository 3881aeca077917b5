/**
 * Per-child-process state shared by the guard and the pipelines: the registry of
 * spawned process groups and a signal that fires when the child must stop
 * (its supervisor is gone). A module singleton is right here: there is exactly
 * one of each per OS process, and the guard (preloaded with --import) and the
 * processor module resolve this file to the same module instance.
 */
import { ProcessGroupRegistry } from '../process/process-groups.js';

export interface ChildRuntime {
  registry: ProcessGroupRegistry;
  /** Aborts when the child is being torn down; pipelines link it into their signals. */
  shutdown: AbortController;
}

let runtime: ChildRuntime | undefined;

export function childRuntime(): ChildRuntime {
  runtime ??= { registry: new ProcessGroupRegistry(), shutdown: new AbortController() };
  return runtime;
}
