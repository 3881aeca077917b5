/**
 * Preloaded into every processor child (`--import`, set by the supervisor).
 *
 * BullMQ's children do not exit when their supervisor dies: a child mid-job
 * keeps running, then spins on ERR_IPC_CHANNEL_CLOSED forever (bullmq-sandbox.md
 * §1.6). The IPC channel closing is the one reliable sign that the supervisor is
 * gone, so on `disconnect` the child kills everything it spawned and exits.
 * The stalled job is recovered by BullMQ and re-run by a live worker.
 */
import { AbortedError } from '../errors/job-errors.js';
import { signalGroup } from '../process/process-groups.js';
import { childRuntime } from './child-runtime.js';

const runtime = childRuntime();

process.once('disconnect', () => {
  runtime.shutdown.abort(new AbortedError('supervisor disconnected'));
  runtime.registry.signalAll('SIGKILL');
  // The supervisor forks each child as a process-group leader; killing the group
  // takes ffmpeg and any other subprocess without a group of its own, and us.
  signalGroup(process.pid, 'SIGKILL');
  process.exit(1);
});
