/**
 * The queue and executor of the ComfyUI test double: one prompt runs at a time,
 * messages go to the prompt's client id only, and the order is ComfyUI's
 * (comfyui-api.md §1.9, §2.2): execution_start, execution_cached, executing per
 * node, progress, executed, execution_success, history write, executing null.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { basename, dirname } from 'node:path';

/** What the double does with the next prompts; tests change it freely. */
export interface ComfyBehaviour {
  /** Execution time of one prompt, spread over `steps` progress events. */
  runMs: number;
  steps: number;
  outcome: 'success' | 'error' | 'interrupted' | 'no-video' | 'hang';
  /** `save-video`: core SaveVideo (`images` + `animated`); `vhs`: VideoHelperSuite (`gifs`). */
  output: 'save-video' | 'vhs';
  refuseWebSocket: boolean;
  /** Answer POST /prompt with this 400 body type instead of queueing. */
  reject: 'invalid_prompt' | 'prompt_outputs_failed_validation' | undefined;
  /** Gap between execution_success and the history write (ComfyUI's race). */
  historyDelayMs: number;
}

export const defaultBehaviour: ComfyBehaviour = {
  runMs: 60, steps: 3, outcome: 'success', output: 'save-video', refuseWebSocket: false, reject: undefined, historyDelayMs: 5,
};

export interface QueueItem {
  number: number;
  promptId: string;
  graph: Record<string, { class_type: string; inputs: Record<string, unknown> }>;
  extra: { client_id?: string };
  outputs: string[];
}

type Send = (clientId: string | undefined, message: { type: string; data: Record<string, unknown> }) => void;

export class ComfyEngine {
  pending: QueueItem[] = [];
  running: { item: QueueItem; interrupt: AbortController } | undefined;
  history = new Map<string, Record<string, unknown>>();
  /** "subfolder/filename" of every file the double pretends to have written. */
  files = new Set<string>();
  /** When each history entry was written (ms since epoch), for latency measurements. */
  finishedAt = new Map<string, number>();
  private counter = 0;
  private life = new AbortController();

  constructor(private readonly behaviour: () => ComfyBehaviour, private readonly send: Send) {}

  enqueue(item: Omit<QueueItem, 'number'>): QueueItem {
    const queued = { ...item, number: this.counter++ };
    this.pending.push(queued);
    this.broadcastStatus();
    setImmediate(() => this.next());
    return queued;
  }

  /** POST /interrupt: only the running prompt, and only if the id matches (or none given). */
  interrupt(promptId: string | undefined): void {
    if (this.running && (promptId === undefined || this.running.item.promptId === promptId)) this.running.interrupt.abort();
  }

  /** Forgets queue and history, as a ComfyUI restart does. */
  reset(): void {
    this.life.abort();
    this.life = new AbortController();
    this.pending = [];
    this.running = undefined;
    this.history.clear();
  }

  stop(): void {
    this.life.abort();
  }

  broadcastStatus(): void {
    this.send(undefined, { type: 'status', data: { status: { exec_info: { queue_remaining: this.pending.length + (this.running ? 1 : 0) } } } });
  }

  private next(): void {
    if (this.running || this.pending.length === 0) return;
    const item = this.pending.shift() as QueueItem;
    const interrupt = new AbortController();
    this.running = { item, interrupt };
    const life = this.life.signal;
    this.execute(item, interrupt.signal, life)
      .catch(() => undefined)
      .finally(() => {
        if (life.aborted) return;
        this.running = undefined;
        this.next();
      });
  }

  private async execute(item: QueueItem, interrupted: AbortSignal, life: AbortSignal): Promise<void> {
    const b = this.behaviour();
    const id = item.promptId;
    const to = (type: string, data: Record<string, unknown>): void => {
      if (!life.aborted) this.send(item.extra.client_id, { type, data: { ...data, prompt_id: id } });
    };
    const messages: Array<[string, Record<string, unknown>]> = [];
    const log = (type: string, data: Record<string, unknown>): void => {
      messages.push([type, { prompt_id: id, ...data, timestamp: Date.now() }]);
      to(type, { ...data, timestamp: Date.now() });
    };
    const nodeIds = Object.keys(item.graph);
    const saverId = nodeIds.find((n) => typeof item.graph[n]?.inputs.filename_prefix === 'string') ?? nodeIds.at(-1) ?? '1';
    const saver = item.graph[saverId];
    log('execution_start', {});
    log('execution_cached', { nodes: [] });
    const both = AbortSignal.any([interrupted, life]);
    try {
      for (const node of nodeIds) to('executing', { node, display_node: node });
      for (let step = 1; step <= b.steps; step += 1) {
        await delay(b.runMs / b.steps, undefined, { signal: both });
        to('progress', { value: step, max: b.steps, node: saverId });
      }
      if (b.outcome === 'hang') await delay(2 ** 30, undefined, { signal: both });
      if (b.outcome === 'interrupted') throw new Error('interrupted');
    } catch {
      if (life.aborted) return;
      log('execution_interrupted', { node_id: saverId, node_type: saver?.class_type, executed: nodeIds.slice(0, -1) });
      return this.finish(item, {}, 'error', messages, to, b);
    }
    if (b.outcome === 'error') {
      log('execution_error', {
        node_id: saverId, node_type: saver?.class_type, executed: [], exception_type: 'RuntimeError',
        exception_message: 'CUDA out of memory', traceback: ['Traceback ...'], current_inputs: {}, current_outputs: {},
      });
      return this.finish(item, {}, 'error', messages, to, b);
    }
    const output = this.outputFor(item, b);
    to('executed', { node: saverId, display_node: saverId, output });
    log('execution_success', {});
    return this.finish(item, { [saverId]: output }, 'success', messages, to, b);
  }

  private async finish(
    item: QueueItem, outputs: Record<string, unknown>, statusStr: 'success' | 'error',
    messages: Array<[string, Record<string, unknown>]>, to: (type: string, data: Record<string, unknown>) => void, b: ComfyBehaviour,
  ): Promise<void> {
    if (b.historyDelayMs > 0) await delay(b.historyDelayMs);
    if (this.running?.item !== item) return; // reset while finishing
    this.history.set(item.promptId, {
      prompt: [item.number, item.promptId, item.graph, item.extra, item.outputs],
      outputs,
      status: { status_str: statusStr, completed: statusStr === 'success', messages },
      meta: Object.fromEntries(Object.keys(outputs).map((n) => [n, { node_id: n, display_node: n, parent_node: null, real_node_id: n }])),
    });
    this.finishedAt.set(item.promptId, Date.now());
    this.running = undefined;
    this.broadcastStatus();
    to('executing', { node: null, display_node: null });
  }

  private outputFor(item: QueueItem, b: ComfyBehaviour): Record<string, unknown> {
    const saver = Object.values(item.graph).find((n) => typeof n.inputs.filename_prefix === 'string');
    const prefix = typeof saver?.inputs.filename_prefix === 'string' ? saver.inputs.filename_prefix : 'video/ComfyUI';
    const subfolder = dirname(prefix) === '.' ? '' : dirname(prefix);
    if (b.outcome === 'no-video') {
      const filename = `${basename(prefix)}_00001_.png`;
      this.files.add(`${subfolder}/${filename}`);
      return { images: [{ filename, subfolder, type: 'output' }] };
    }
    if (b.output === 'vhs') {
      const filename = `${basename(prefix)}_00001.mp4`;
      this.files.add(`${subfolder}/${filename}`);
      return {
        gifs: [{ filename, subfolder, type: 'output', format: 'video/h264-mp4', frame_rate: 24, workflow: `${basename(prefix)}_00001.png`, fullpath: `/comfy/output/${subfolder}/${filename}` }],
      };
    }
    const filename = `${basename(prefix)}_00001_.mp4`;
    this.files.add(`${subfolder}/${filename}`);
    return { images: [{ filename, subfolder, type: 'output' }], animated: [true] };
  }
}
