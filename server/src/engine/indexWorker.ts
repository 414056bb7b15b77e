// Entry of an index worker thread (parallel.ts): indexes one part of a log file and posts it back
// with its typed arrays transferred, then flags that the answer is there.
import { workerData } from 'worker_threads';
import { dialectById } from './dialects';
import type { PartAnswer, PartJob, SearchAnswer, SearchJob } from './parallel';
import { indexPart, searchRange, transferables } from './parallel';
import { FileSource } from './source';
import { headerLinesJob } from './quickFilter';
import type { HeaderLinesAnswer, HeaderLinesJob } from './quickFilter';

/** Claims parts until none is left, posting each as it is done; the last answer says so. */
function run(job: PartJob): void {
  const done = new Int32Array(job.done);
  const claims = new Int32Array(job.claims);
  const post = (answer: PartAnswer, transfer: ArrayBuffer[] = []): void => {
    job.port.postMessage(answer, transfer);
    Atomics.add(done, 0, 1);
    Atomics.notify(done, 0);
  };
  let source: FileSource | undefined;
  try {
    const dialect = dialectById(job.dialect);
    if (!dialect) throw new Error(`unknown dialect ${job.dialect}`);
    source = new FileSource(job.path);
    for (;;) {
      const k = Atomics.add(claims, 0, 1);
      if (k + 1 >= job.bounds.length) break;
      const answer = indexPart(source, dialect, job.ctx, job.toleranceMs, job.bounds[k], job.bounds[k + 1], job.search, k);
      post(answer, 'part' in answer ? transferables(answer.part) : []);
    }
    post({ k: -1, last: true });
  } catch (e) {
    post({ error: e instanceof Error ? e.message : String(e), last: true });
  } finally {
    source?.close();
    job.port.close();
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

/** The header lines holding some patterns, and the marker lines, of a whole log (quickFilter). */
function headerLines(job: HeaderLinesJob): void {
  const done = new Int32Array(job.done);
  try {
    const dialect = dialectById(job.dialect);
    if (!dialect) throw new Error(`unknown dialect ${job.dialect}`);
    const answer: HeaderLinesAnswer = headerLinesJob(job, dialect);
    job.port.postMessage(answer);
  } catch (e) {
    const answer: HeaderLinesAnswer = { error: e instanceof Error ? e.message : String(e) };
    job.port.postMessage(answer);
  } finally {
    job.port.close();
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
}

const job = workerData as PartJob | SearchJob | HeaderLinesJob;
if ('kind' in job && job.kind === 'search') search(job);
else if ('kind' in job && job.kind === 'headers') headerLines(job);
else run(job as PartJob);
