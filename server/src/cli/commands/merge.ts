import type { OverflowRun } from '../../engine';
import { bool } from '../args';
import { followLogs } from '../follow';
import { exitStatus, openLogs, writeLines, writeOverflow } from '../inputs';
import type { Command } from './command';

/** Bytes written at once at most: long runs of one source are not read into memory whole. */
const WRITE_CHUNK = 1 << 20;

export const merge: Command = {
  name: 'merge',
  usage: 'msglog merge FILE… [--line-numbers] [--follow]   every record of all files in time order',
  boolFlags: ['--line-numbers', '--follow'],
  async run(args, out) {
    const follow = bool(args, '--follow');
    const logs = await openLogs(args, args.positional, { holdPartialLine: follow });
    if (!logs) return 2;
    const numbers = bool(args, '--line-numbers');
    const { set } = logs;
    // Overflow markers stay where the log wrote them: after the record before them.
    const markersAfter = set.sources.map((src) => {
      const m = new Map<number, OverflowRun>();
      for (const run of src.index.overflow) if (!m.has(run.recordBefore)) m.set(run.recordBefore, run);
      return m;
    });
    let markersSeen = set.sources.map((src) => src.index.overflow.length);
    set.sources.forEach((_, s) => {
      const before = markersAfter[s].get(-1);
      if (before) writeOverflow(out, logs, s, before, numbers);
    });
    const { order } = set;
    // Consecutive records of one source that follow each other in its bytes are written at once.
    const writeFrom = (from: number, to: number): void => {
      let p = from;
      while (p < to) {
        const s = order.src[p];
        const ix = set.sources[s].index;
        const first = order.rec[p];
        let last = first;
        const limit = ix.recStartOffset[first] + WRITE_CHUNK;
        while (p + 1 < to && order.src[p + 1] === s && order.rec[p + 1] === last + 1 && !markersAfter[s].has(last) && ix.recStartOffset[last + 1] === ix.recEndOffset[last] && ix.recEndOffset[last] < limit) {
          p++;
          last++;
        }
        writeLines(out, logs, s, ix.recStartOffset[first], ix.recEndOffset[last], ix.recStartLine[first], numbers);
        const run = markersAfter[s].get(last);
        if (run) writeOverflow(out, logs, s, run, numbers);
        p++;
      }
    };
    writeFrom(0, order.length);
    if (follow) {
      await followLogs(logs, out, (p) => {
        // Markers the logs gained since the last look are placed after their records.
        set.sources.forEach((src, s) => {
          const runs = src.index.overflow;
          for (let i = markersSeen[s]; i < runs.length; i++) if (!markersAfter[s].has(runs[i].recordBefore)) markersAfter[s].set(runs[i].recordBefore, runs[i]);
        });
        markersSeen = set.sources.map((src) => src.index.overflow.length);
        writeFrom(p, p + 1);
      });
    }
    return exitStatus(logs, 0);
  },
};
