// Entry of the worker thread that indexes a large log's file while the editor sends its text
// (engine/fileIndexJob.ts), and computes from that index the first answers the editor will ask for
// (features/firstAnswers.ts), each posted as soon as it is made, before the index itself.
import { receiveMessageOnPort, workerData } from 'worker_threads';
import type { FileIndexJob, FileIndexPart, StandbyJob } from './engine/fileIndexJob';
import { indexFile } from './engine/fileIndexJob';
import { prepareRecordSlots } from './engine/recordArrays';
import { warmUpIndex } from './engine/warmUpLog';
import type { FirstAnswerSettings } from './features/firstAnswers';
import { computeFirstAnswers } from './features/firstAnswers';

/** The file's index, its first answers (when the job names their settings), then the index itself; the main thread waits on the port. */
function wholeFile(job: FileIndexJob): void {
  try {
    const settings = job.extra as FirstAnswerSettings | undefined;
    const { answer, transfer } = indexFile(job, (index, stamp) => {
      if (settings === undefined) return;
      computeFirstAnswers(index, settings, job.toleranceMs, (name, key, bytes) => {
        const part: FileIndexPart = { name, key, stamp, bytes };
        job.port.postMessage(part, [bytes.buffer as ArrayBuffer]);
      });
    });
    job.port.postMessage(answer, transfer);
  } catch (e) {
    job.port.postMessage({ error: e instanceof Error ? e.message : String(e) });
  } finally {
    job.port.close();
  }
}

/**
 * Rounds of warm-up a standby worker runs while no file has come. After one round V8 still compiled
 * most of the index's code during the first real file (about 240 ms of compiling, on the core the
 * editor's own work needs then), and that file took 215 ms to index where the next took 125 ms; after
 * 20 rounds (about 150 ms, before any file) it took 140 ms.
 */
const STANDBY_WARM_UP_ROUNDS = 20;
/** Lines of the made-up log of each round: a round takes 5–10 ms once optimised. */
const STANDBY_WARM_UP_LINES = 5000;
/** The first answers of a warm-up round: fewer than the made-up log has, so that the code that caps them runs too. */
const WARM_UP_SETTINGS: FirstAnswerSettings = { maxDiagnostics: 100, minimumSeverity: 'warning', foldingLimit: 5000 };
const WARM_UP_SYMBOLS = 1000;
/**
 * Record slots a waiting standby worker makes ahead: those of a 50 MiB log, the largest document VS Code
 * hands to extensions (the index sizes its arrays at a slot per 64 bytes). About 21 MB, mapped once.
 */
const PREPARED_SLOTS = (50 << 20) / 64;

/**
 * Warms up (the scan, the first answers and the state's export compiled) in rounds while no file has
 * come, then indexes the one file it is sent: a file that comes during the warm-up waits one round at most.
 */
function standby(job: StandbyJob): void {
  let round = 0;
  const next = (): void => {
    const sent = receiveMessageOnPort(job.port);
    if (sent !== undefined) {
      wholeFile({ ...(sent.message as Omit<FileIndexJob, 'port'>), port: job.port });
      return;
    }
    if (round++ === STANDBY_WARM_UP_ROUNDS) {
      // The record arrays of the largest document an editor hands over, mapped while nothing comes.
      prepareRecordSlots(PREPARED_SLOTS);
      job.port.once('message', (file: Omit<FileIndexJob, 'port'>) => wholeFile({ ...file, port: job.port }));
      return;
    }
    const index = warmUpIndex(STANDBY_WARM_UP_LINES);
    computeFirstAnswers(index, WARM_UP_SETTINGS, 1000, () => undefined, WARM_UP_SYMBOLS);
    index.exportState(true);
    setImmediate(next);
  };
  next();
}

const job = workerData as FileIndexJob | StandbyJob;
if (job.kind === 'standby') standby(job);
else wholeFile(job);
