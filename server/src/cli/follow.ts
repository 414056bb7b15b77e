// --follow for merge and filter: after the existing records, new ones as the files grow or rotate
// (tail -F), until interrupted.
import { pollGrowth } from '../engine';
import { FOLLOW_POLL_MS } from './inputs';
import type { OpenedLogs } from './inputs';
import type { Output } from './output';

/**
 * Calls `emit` with each new merged position as the logs grow, flushing after each batch; runs until
 * the process is interrupted (or `until` says stop: tests and embedding).
 */
export async function followLogs(logs: OpenedLogs, out: Output, emit: (pos: number) => void, until: () => boolean = () => false): Promise<void> {
  out.flush();
  while (!until()) {
    await new Promise<void>((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    const from = pollGrowth(logs.set);
    for (let p = from; p < logs.set.order.length; p++) emit(p);
    out.flush();
  }
}
