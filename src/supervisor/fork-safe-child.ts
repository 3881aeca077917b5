/**
 * BullMQ's Child with one fix: when the fork itself failed (no pid: ENOENT,
 * EAGAIN), `initChild` awaits `send(Init)`, which rejects with EPIPE, and leaves
 * its own completion promise to reject later with nobody listening: an
 * unhandled rejection, which kills a Node process by default. Swallowing that
 * one send lets the 'close' handler reject init properly (as "Error
 * initializing child ..."), so the attempt fails and the supervisor lives on.
 */
import { Child, ChildCommand } from 'bullmq';

export class ForkSafeChild extends Child {
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
