/**
 * BullMQ's Child with two fixes for children that never get to work:
 *
 * - When the fork itself failed (no pid: ENOENT, EAGAIN), `initChild` awaits
 *   `send(Init)`, which rejects with EPIPE, and leaves its own completion
 *   promise to reject later with nobody listening: an unhandled rejection,
 *   which kills a Node process by default. Swallowing that one send lets the
 *   'close' handler reject init properly (as "Error initializing child ...").
 * - When the child dies while it is still starting (SIGKILL, OOM), BullMQ's
 *   'exit' handler removes every listener, including the 'close' handler that
 *   would reject init, so init never settles and the job waiting for the child
 *   hangs for ever with its lock renewed (found by `npm run chaos`). `init`
 *   here also rejects on 'exit', so the attempt fails and is retried.
 */
import { Child, ChildCommand } from 'bullmq';

export class ForkSafeChild extends Child {
  override async init(): Promise<void> {
    let onExit: ((code: number | null, signal: string | null) => void) | undefined;
    const died = new Promise<never>((_, reject) => {
      onExit = (code, signal) => reject(new Error(`processor child exited during start-up (exit code ${code}, signal ${signal})`));
      this.once('exit', onExit);
    });
    try {
      await Promise.race([super.init(), died]);
    } finally {
      if (onExit) this.off('exit', onExit);
    }
  }

  override async send(message: { cmd: ChildCommand }): Promise<void> {
    try {
      await super.send(message);
    } catch (error) {
      const neverStarted = this.childProcess !== undefined && this.childProcess.pid === undefined;
      if (message.cmd === ChildCommand.Init && neverStarted) return;
      throw error;
    }
  }
}
