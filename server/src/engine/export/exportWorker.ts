// Entry of an export worker thread (thread.ts): opens each log's files, then writes each slice it is
// sent (the records' arrays come with it) and posts the slice's chunks back, transferred.
import { workerData } from 'worker_threads';
import { WorkerInput } from './exportIndex';
import { recycle } from './jsonBytes';
import { SliceWriter } from './serialiser';
import { type ExportWorkerData, POSTED, type SliceJob, type SliceMessage } from './thread';

const job = workerData as ExportWorkerData;
const counters = new Int32Array(job.counters);

function post(message: SliceMessage, transfer: ArrayBuffer[] = []): void {
  job.port.postMessage(message, transfer);
  Atomics.add(counters, POSTED, 1);
  Atomics.notify(counters, POSTED);
}

let inputs: WorkerInput[] = [];
let writer: SliceWriter | undefined;
try {
  inputs = job.inputs.map((i) => new WorkerInput(i.setup));
  // The writer starts over empty arrays; each slice brings its own.
  const none = { count: 0, src: undefined, recStartOffset: new Uint32Array(0), recEndOffset: new Uint32Array(0), recStartLine: new Uint32Array(0), recEndLine: new Uint32Array(0), recBodyCol: new Uint16Array(0), recWall: new Float64Array(0), recOffsetMin: new Int16Array(0), recLevel: new Uint8Array(0), recSeverity: new Uint8Array(0), recSession: new Uint32Array(0) };
  writer = new SliceWriter(
    job.inputs.map((i, k) => ({ index: inputs[k].over(none), path: i.path, source: i.source, dateBaseMs: i.dateBaseMs, files: i.files })),
    job.options,
    undefined,
  );
} catch (e) {
  post({ error: e instanceof Error ? e.message : String(e) });
}

job.port.on('message', (message: SliceJob) => {
  if (!writer) return;
  try {
    const a = message.arrays;
    for (const buffer of message.spare ?? []) recycle(Buffer.from(buffer));
    message.news?.forEach((news, k) => news && inputs[k].learn(news));
    const chunks: Buffer[] = [];
    writer.writeSlice(a.count, a.src, inputs.map((i) => i.over(a)), job.chunkBytes, (chunk) => chunks.push(chunk));
    if (writer.out.pos > 0) chunks.push(writer.take());
    post({ slice: message.slice, chunks }, chunks.map((c) => c.buffer as ArrayBuffer));
  } catch (e) {
    post({ error: e instanceof Error ? e.message : String(e) });
    writer = undefined;
  }
});
job.port.on('close', () => {
  for (const input of inputs) input.close();
});
