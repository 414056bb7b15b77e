// Several logs as one timeline in the editor (docs/FORMATS.md §9) and message traces (§10): the
// server reads the files from disk into a LogSet (engine), renders the merged records as a document's
// text with where each came from, answers the Sessions view, filters and Go to Time of that document,
// and polls the files for growth.
import { plural } from '../../../common/describe';
import type { CancellationToken, WorkDoneProgressReporter } from 'vscode-languageserver';
import { LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { PictureLog } from '../engine';
import { fileURLToPath } from 'url';
import {
  CancelledError,
  expandInputs,
  filterSet,
  goToTimeInSet,
  LogSet,
  pollGrowth,
  QueryError,
  sessionRecords,
  sessionSummary,
  SEVERITY_NAMES,
  traceMessage,
  TraceError,
} from '../engine';
import type {
  FilterParams,
  FilterResult,
  GoToTimeParams,
  GoToTimeResult,
  OpenTimelineParams,
  SessionItem,
  SessionRecordItem,
  SessionRecordsParams,
  SessionsResult,
  TimelineView,
  TraceParams,
} from '../../../common/protocol';
import { progressSink } from './largeLogs';
import { emptyView, fullyDecoded, renderView, shortNames, sourceOfTag, tagOf, TEXT_LIMIT } from './timelineViews';
import type { RenderedView } from './timelineViews';

const POLL_MS = 1000;
/** Timelines held at once. */
const HELD_TIMELINES = 6;
const EXCERPT = 200;

interface Timeline {
  id: string;
  set: LogSet;
  /** Source names as the editor shows them: relative to the folder holding every path given. */
  names: string[];
  paths: string[];
  notes: string[];
  /** The view last rendered per document: merged positions shown and their document lines. */
  views: Map<string, RenderedView>;
}

export interface TimelinesHost {
  attachProgress(token: string | number | undefined): WorkDoneProgressReporter;
  /** A timeline's files grew: documents of it should be fetched again. */
  changed(id: string): void;
  failed(error: unknown): void;
}

export class Timelines {
  private readonly timelines = new Map<string, Timeline>();
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly host: TimelinesHost) {}

  /** Opens a new timeline from paths, or renders a held one again. */
  async open(params: OpenTimelineParams, token: CancellationToken): Promise<TimelineView | ResponseError<void>> {
    let timeline = params.id ? this.timelines.get(params.id) : undefined;
    if (params.id && !timeline) return emptyView(params.id, 'this timeline is no longer held by the language server: open it again');
    if (!timeline) {
      const built = await this.build(params.paths ?? [], params.workDoneToken, token);
      if (!('set' in built)) return built;
      timeline = built;
    }
    return this.render(timeline, undefined, `timeline:${timeline.id}`);
  }

  /** Traces a message in a timeline (its document URI) or in one log file. */
  async trace(params: TraceParams, token: CancellationToken): Promise<TimelineView | ResponseError<void>> {
    let timeline = this.byUri(params.uri);
    if (!timeline) {
      if (!params.uri.startsWith('file:')) return emptyView('', 'Trace Message reads logs saved as files, or an open timeline');
      const built = await this.build([fileURLToPath(params.uri)], params.workDoneToken, token);
      if (!('set' in built)) return built;
      timeline = built;
    }
    try {
      const result = traceMessage(timeline.set, params.id, { sessions: params.sessions });
      return this.render(timeline, result.positions, `trace:${timeline.id}:${params.id}:${params.sessions ? 1 : 0}`);
    } catch (e) {
      if (e instanceof TraceError) return emptyView(timeline.id, e.message);
      throw e;
    }
  }

  /** The timeline a timeline or trace document shows (`msglog-timeline:/…?id=N`). */
  byUri(uri: string): Timeline | undefined {
    const m = /[?&]id=(\d+)/.exec(fullyDecoded(uri));
    return uri.startsWith('msglog-timeline:') && m ? this.timelines.get(m[1]) : undefined;
  }

  /**
   * The sources of a timeline (or trace) document for the SIP ladder and the report: each record is
   * placed on the document's line that shows it (-1 when the view does not show it).
   */
  pictureLogs(uri: string): PictureLog[] | undefined {
    const found = this.viewOf(uri);
    if (!found) return undefined;
    const { timeline, view } = found;
    return timeline.set.sources.map((source, s) => ({
      index: source.index,
      file: uri,
      shiftMs: source.shiftMs,
      locate: (r: number) => ({ file: uri, line: this.lineOf(view, timeline.set.order.rank[s][r]) }),
    }));
  }

  isTimeline(uri: string): boolean {
    return uri.startsWith('msglog-timeline:');
  }

  private async build(paths: string[], workDoneToken: string | number | undefined, token: CancellationToken): Promise<Timeline | TimelineView | ResponseError<void>> {
    if (paths.length === 0) return emptyView('', 'no logs to open: choose files or folders');
    const expanded = await expandInputs(paths);
    const notes = expanded.problems.map((p) => (p.file ? `${p.file}: ${p.text}` : p.text));
    if (expanded.files.length === 0) return { ...emptyView('', notes[0] ?? 'no logs of a known dialect'), notes };
    const total = expanded.files.length;
    const sink = progressSink(this.host.attachProgress(workDoneToken), `Merging ${plural(total, 'log file')}`, true);
    let set: LogSet;
    try {
      let sourceDone = 0;
      set = await LogSet.open(expanded.files, {
        async: true,
        holdPartialLine: true,
        isCancelled: () => token.isCancellationRequested,
        onProgress: (done, size) => sink.report(sourceDone + (size > 0 ? done / size : 1), total),
      }, (f, e) => notes.push(`cannot read ${f.display}: ${e.message}`));
      sourceDone = total;
    } catch (e) {
      if (e instanceof CancelledError) return new ResponseError(LSPErrorCodes.RequestCancelled, 'merging cancelled');
      throw e;
    } finally {
      sink.end();
    }
    notes.push(...set.notes);
    const timeline: Timeline = { id: String(this.nextId++), set, names: shortNames(set, paths), paths, notes, views: new Map() };
    this.timelines.set(timeline.id, timeline);
    // The oldest timelines go when more are open than anybody reads at once (their files are closed).
    while (this.timelines.size > HELD_TIMELINES) this.close(this.timelines.keys().next().value as string);
    this.watch();
    return timeline;
  }

  private render(timeline: Timeline, positions: Uint32Array | undefined, viewKey: string): TimelineView {
    const { view, rendered } = renderView(timeline.set, timeline.names, timeline.notes, timeline.id, positions, viewKey);
    timeline.views.set(viewKey, rendered);
    return view;
  }

  /** The view a document shows: the timeline's own, or a trace (its key is in the URI). */
  private viewOf(uri: string): { timeline: Timeline; view: RenderedView } | undefined {
    const timeline = this.byUri(uri);
    if (!timeline) return undefined;
    const key = /[?&]view=([^&]+)/.exec(fullyDecoded(uri));
    const view = timeline.views.get(key ? key[1] : `timeline:${timeline.id}`) ?? timeline.views.get(`timeline:${timeline.id}`);
    return view ? { timeline, view } : undefined;
  }

  /** Document line of a merged position in a view, or -1 when the view does not show it. */
  private lineOf(view: RenderedView, p: number): number {
    if (!view.positions) return p < view.shown ? view.lines[p] : -1;
    let lo = 0;
    let hi = view.shown - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (view.positions[mid] < p) lo = mid + 1;
      else if (view.positions[mid] > p) hi = mid - 1;
      else return view.lines[mid];
    }
    return -1;
  }

  /**
   * Sessions of every source with a record in the document, in order of their first record shown,
   * grouped by source (the component names it) and keyed with its tag: the same key in two sources
   * is two sessions.
   */
  sessions(uri: string): SessionsResult {
    const found = this.viewOf(uri);
    if (!found) return { sessions: [], error: 'this timeline is no longer held by the language server: open it again' };
    const { timeline, view } = found;
    const { set } = timeline;
    const items: SessionItem[] = [];
    const seen = set.sources.map(() => new Map<number, { item: SessionItem; records: number }>());
    for (let i = 0; i < view.shown; i++) {
      const p = view.positions ? view.positions[i] : i;
      const s = set.order.src[p];
      const r = set.order.rec[p];
      const ix = set.sources[s].index;
      const id = ix.recSession[r];
      const line = view.lines[i];
      const lastLine = line + ix.recEndLine[r] - ix.recStartLine[r];
      const known = seen[s].get(id);
      if (known) {
        known.item.lastLine = lastLine;
        known.item.records = ++known.records;
        continue;
      }
      const sum = sessionSummary(ix, id);
      const item: SessionItem = {
        key: `${tagOf(s)}│${sum.key}`,
        component: `${tagOf(s)} ${timeline.names[s]} › ${sum.component}`,
        firstLine: line,
        lastLine,
        records: 1,
        start: sum.start,
        end: sum.end,
        problems: sum.problems,
        worst: sum.worst,
        durationMs: sum.durationMs,
        dialog: sum.dialog,
      };
      seen[s].set(id, { item, records: 1 });
      items.push(item);
    }
    const dialect = set.dialect;
    return { dialect: dialect === 'mixed' ? undefined : dialect, sessions: items };
  }

  sessionRecords(params: SessionRecordsParams): SessionRecordItem[] {
    const found = this.viewOf(params.uri);
    const m = /^([A-Z]+)│(.*)$/s.exec(params.key);
    if (!found || !m) return [];
    const { timeline, view } = found;
    const s = sourceOfTag(m[1]);
    const source = timeline.set.sources[s];
    if (!source) return [];
    const ix = source.index;
    const session = ix.keys.find(m[2]);
    if (session < 0) return [];
    const out: SessionRecordItem[] = [];
    for (const r of sessionRecords(ix, session, params.limit)) {
      const line = this.lineOf(view, timeline.set.order.rank[s][r]);
      if (line < 0) continue;
      const header = ix.headerLine(r);
      out.push({
        line,
        endLine: line + ix.recEndLine[r] - ix.recStartLine[r],
        time: ix.timestampText(r),
        severity: SEVERITY_NAMES[ix.recSeverity[r]],
        problem: ix.isProblem(r),
        text: header.length > EXCERPT ? `${header.slice(0, EXCERPT)}…` : header,
      });
    }
    return out;
  }

  goToTime(params: GoToTimeParams): GoToTimeResult {
    const found = this.viewOf(params.uri);
    if (!found) return { line: -1, message: 'this timeline is no longer held by the language server: open it again' };
    try {
      const p = goToTimeInSet(found.timeline.set, params.query);
      if (p < 0) return { line: -1, message: `no record at or after ${params.query}` };
      // A trace shows some records only: the first shown at or after that position.
      for (let q = p; q < found.timeline.set.order.length; q++) {
        const line = this.lineOf(found.view, q);
        if (line >= 0) return { line };
        if (!found.view.positions) break;
      }
      return { line: -1, message: `no record at or after ${params.query} in this document (it shows the first ${TEXT_LIMIT >> 20} MB)` };
    } catch (e) {
      if (e instanceof QueryError) return { line: -1, message: e.message };
      throw e;
    }
  }

  /** A filter over every source (keyed: (source, key) pairs); sourceLines are lines of the timeline document. */
  filter(params: FilterParams): FilterResult {
    const empty: FilterResult = { text: '', sourceLines: [], records: 0, keyedSessions: 0 };
    const found = this.viewOf(params.uri);
    if (!found) return { ...empty, error: 'this timeline is no longer held by the language server: open it again' };
    const { set } = found.timeline;
    const dialect = set.dialect === 'mixed' ? undefined : set.dialect;
    let result;
    try {
      result = filterSet(set, params.query ?? {});
    } catch (e) {
      if (e instanceof QueryError) return { ...empty, dialect, error: e.message };
      throw e;
    }
    const parts: Buffer[] = [];
    const sourceLines: number[] = [];
    const contextLines: number[] = [];
    let records = 0;
    for (const { source: s, item } of result.items) {
      if (item.kind !== 'record') continue;
      const line = this.lineOf(found.view, set.order.rank[s][item.record]);
      if (line < 0) continue;
      const ix = set.sources[s].index;
      // Context records (dimmed in the editor) are not counted as matches.
      if (item.context) for (let l = 0; l <= ix.recEndLine[item.record] - ix.recStartLine[item.record]; l++) contextLines.push(sourceLines.length + l);
      const bytes = Buffer.from(ix.read(ix.recStartOffset[item.record], ix.recEndOffset[item.record]));
      parts.push(bytes);
      if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
      for (let l = 0; l <= ix.recEndLine[item.record] - ix.recStartLine[item.record]; l++) sourceLines.push(line + l);
      if (!item.context) records++;
    }
    const keyedSessions = result.remembered.reduce((n, m) => n + m.reduce((a, b) => a + b, 0), 0);
    return { text: Buffer.concat(parts).toString('utf8'), sourceLines, ...(contextLines.length > 0 ? { contextLines } : {}), records, keyedSessions, dialect };
  }

  /** A timeline document was closed for good: forget it when none of its documents is left. */
  close(id: string): void {
    const timeline = this.timelines.get(id);
    if (!timeline) return;
    timeline.set.close();
    this.timelines.delete(id);
    if (this.timelines.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    for (const id of [...this.timelines.keys()]) this.close(id);
  }

  private watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const timeline of this.timelines.values()) {
        try {
          const before = timeline.set.order.length;
          pollGrowth(timeline.set);
          if (timeline.set.order.length > before) this.host.changed(timeline.id);
        } catch (e) {
          this.host.failed(e);
        }
      }
    }, POLL_MS);
    this.timer.unref();
  }
}

