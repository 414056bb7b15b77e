// Entry of an index worker thread (parallel.ts): indexes one part of a log file and posts it back
// with its typed arrays transferred, then flags that the answer is there.
import { workerData } from 'worker_threads';
import { dialectById } from './dialects';
import { LogIndex } from './logIndex';
import type { PartAnswer, PartJob, SearchAnswer, SearchJob } from './parallel';
import { searchRange, transferables } from './parallel';
import { FileSource } from './source';

function run(job: PartJob): void {
  const done = new Int32Array(job.done);
  try {
    const dialect = dialectById(job.dialect);
    if (!dialect) throw new Error(`unknown dialect ${job.dialect}`);
    const source = new FileSource(job.path);
    try {
      const index = new LogIndex(source, dialect, job.ctx, { toleranceMs: job.toleranceMs });
      index.startPart(job.from, Math.min(job.to, source.size));
      index.build({ search: job.search });
      const part = index.part();
      const answer: PartAnswer = { part, scannedTo: index.scannedTo, endsInPartialLine: index.endsInPartialLine };
      job.port.postMessage(answer, transferables(part));
    } finally {
      source.close();
    }
  } catch (e) {
    const answer: PartAnswer = { error: e instanceof Error ? e.message : String(e) };
    job.port.postMessage(answer);
  } finally {
    job.port.close();
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
}

function search(job: SearchJob): void {
  const done = new Int32Array(job.done);
  try {
    const source = new FileSource(job.path);
    try {
      const offsets = searchRange(source, job.from, Math.min(job.to, source.size), Buffer.from(job.needle, 'utf8'));
      const answer: SearchAnswer = { offsets };
      job.port.postMessage(answer, [offsets.buffer as ArrayBuffer]);
    } finally {
      source.close();
    }
  } catch (e) {
    const answer: SearchAnswer = { error: e instanceof Error ? e.message : String(e) };
    job.port.postMessage(answer);
  } finally {
    job.port.close();
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
}

const job = workerData as PartJob | SearchJob;
if ('kind' in job && job.kind === 'search') search(job);
else run(job as PartJob);
