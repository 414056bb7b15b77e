// The engine's public face: open a log from bytes, with detection or a forced dialect.
import type { OpenOptions } from './prepareLog';
import { prepareLog, prepareLogSource } from './prepareLog';
import type { BuildOptions, LogIndex } from './logIndex';
import { touchesAhead } from './pageToucher';
import { buildParallel, canSplit, threadsFor } from './parallel';
import { FileSource } from './source';

export interface FileOpenOptions extends OpenOptions, BuildOptions {
  /** Threads that index a file (1: this one only); by default both cores for large files, one for small. */
  threads?: number;
}

/** Indexes a log. Throws NotTextError (binary data) or UnknownDialectError (no dialect recognised). */
export function openLog(bytes: Uint8Array, options: OpenOptions = {}): LogIndex {
  const index = prepareLog(bytes, options);
  index.build();
  return index;
}

/**
 * Indexes a log file without holding it in memory: the index reads it in chunks, and later reads
 * only what it shows. The caller closes the source when done.
 */
export function openLogFile(path: string, options: FileOpenOptions = {}): LogIndex {
  const source = new FileSource(path);
  try {
    const index = prepareLogSource(source, options);
    const dialect = index.dialect;
    const threads = canSplit(dialect, options.keyless) ? threadsFor(source.size, options.threads) : 1;
    if (threads > 1) buildParallel(index, path, threads, options, options.toleranceMs ?? 1000, options);
    else index.build({ ...options, touchAhead: touchesAhead(source.size, threadsFor(source.size, options.threads)) });
    return index;
  } catch (e) {
    source.close();
    throw e;
  }
}

export { LogIndex, CancelledError, turn } from './logIndex';
export { prepareLog, prepareLogSource, UnknownDialectError } from './prepareLog';
export type { OpenOptions } from './prepareLog';
export { buildParallel, buildParallelAsync, canSplit, dropHandedOverWorker, startEarlyPartWorker, threadsFor } from './parallel';
export { touchesAhead } from './pageToucher';
export { searchFileParallel, PARALLEL_SEARCH_MIN_BYTES } from './parallelSearch';
export type { BuildOptions, OverflowRun, SearchHits } from './logIndex';
export { FileSource, MemorySource } from './source';
export type { LogSource } from './source';
export { detectDialect, NotTextError } from './detect';
export { asciiExcerpt, diagnosticFacts, diagnostics, diagnosticCounts, eachDiagnostic, EXCERPT, levelLabel, levelMessage } from './diagnostics';
export type { LogDiagnostic, DiagnosticCode, DiagnosticCounts, DiagnosticFacts } from './diagnostics';
export { CheckBytes, CheckHeads, writeCheckLine, writeLaterLines } from './checkLines';
export type { CheckBodies, CheckCounts, CheckFormat, CheckLines, LineSink } from './checkLines';
export { runFilter, runFilterAsync, hasCondition } from './filters';
export { lineNumbersAt, quickFilter } from './quickFilter';
export type { QuickFilterResult } from './quickFilter';
export type { FilterQuery, FilterResult, FilterItem } from './filters';
export { filterPieces } from './filterOutput';
export type { FilterPiece } from './filterOutput';
export { QueryError } from './query';
export { goToTime, nextInSession, nextSession, sessionRecords } from './navigation';
export { sessionConnections } from './connections';
export type { ConnectionSummary } from './connections';
export { listSessions, sessionSummary, crossReferencesInLine } from './sessions';
export type { SessionSummary } from './sessions';
export * from './types';
export { LogExporter, SequentialOrder, MergedRecordOrder, parseUtcOffset, EXPORT_FORMATS, exportThreads, exportInputsOf, otelSeverityNumber, dateUndatedInputs, StreamExporter, streamable, streamInputs, inputBytes } from './export';
export type { ExportFormat, ExportInput, ExportOptions, RecordOrder, StreamInput, StreamOptions } from './export';
export { expandInputs, gunzipFile } from './inputs';
export type { LogFile, InputProblem, ExpandedInputs } from './inputs';
export { LogSet, SourceLog } from './logSet';
export type { LogSetOptions } from './logSet';
export { MergedOrder } from './merge';
export { filterSet, goToTimeInSet, sessionsInMergedOrder, recordEligibility, recordPredicate } from './setQueries';
export type { SetFilterItem, SetFilterResult } from './setQueries';
export { traceMessage, TraceError } from './trace';
export type { TraceResult, TraceOptions } from './trace';
export { pollGrowth } from './follow';
export type { PictureLog, SetRecord } from './pictureLogs';
export { mergeByTime, picturesOf, recordsContaining } from './pictureLogs';
export { findDialog, listDialogs, dialogSessions } from './sipDialog';
export type { SipDialog, SipPacket } from './sipDialog';
export { buildReport, buildReportAsync, maskText, TOP_PROBLEMS } from './report';
export type { LogReport, ComponentCount, HourCount, ProblemGroup, SeverityCounts } from './report';
export type { DialectCounts, CommunigateCounts, EmgCounts, ServiceCounts, PrivateServerCounts, NamedCount } from './reportDialects';
export { timeHistogram, bucketSize } from './histogram';
export type { TimeHistogram, HistogramBucket } from './histogram';
export { reportTables, problemRegex } from './reportTables';
export type { ReportTable, ReportRow, ReportRowFilter } from './reportTables';

export { saveIndexCache, loadIndexCache, cacheFileOf } from './indexCache';
export type { IndexCacheLimits } from './indexCache';

export { JsonBytes, CHUNK_BYTES } from './export/jsonBytes';
export { CLOSE_ALL, OPEN_DIALECT, OPEN_SESSIONS, SessionJson } from './sessionJson';
export { KEY_COLUMN_MAX, rowWidths, SessionRows } from './sessionRows';
export type { RowWidths } from './sessionRows';
export { sessionsInHalves } from './windowedSessions';
