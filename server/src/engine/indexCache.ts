// The index of a large log kept on disk, so that reopening a 1 GB log reads its index (a few hundred
// MB, one read) instead of scanning the log again. The cache lives in a directory the caller names
// (the editor's global storage), never next to the log. An entry is keyed by the log's path and
// checked against the log's bytes: its size must not have shrunk, and hashes of its first bytes and of
// the bytes just before the end of what was indexed must match; a log that grew since is restored
// and only what it gained is indexed. Only dialects whose parsers keep no state from line to line
// (`partable`) are kept: a restored index then appends exactly as the original would.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { LogIndex } from './logIndex';
import type { IndexState, StoreArrayName, StoreState } from './logIndex';
import type { LogSource } from './source';
import type { Dialect, ParseContext } from './types';

const MAGIC = 'MSGLOGIX';
/** Bumped whenever what an index holds changes meaning: older entries are then ignored. */
const FORMAT = 1;
/** Bytes hashed at the log's start and before the end of what was indexed. */
const HASHED = 64 * 1024;
const SUFFIX = '.msglog-index';

declare const MSGLOG_VERSION: string | undefined;
/** msglog's version where the build defines it: an entry written by another version is ignored. */
const BUILD_VERSION = typeof MSGLOG_VERSION === 'string' ? MSGLOG_VERSION : 'dev';

type ArrayKind = 'u8' | 'u16' | 'u32' | 'i16' | 'f64';
const CONSTRUCTORS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, i16: Int16Array, f64: Float64Array } as const;

interface CacheHeader {
  format: number;
  version: string;
  path: string;
  dialect: string;
  /** Bytes of the log indexed, and the hashes that say they are still the same. */
  size: number;
  headHash: string;
  tailHash: string;
  arrays: { name: StoreArrayName | 'values' | 'scan'; kind: ArrayKind; length: number }[];
  sessionDialogs: [number, string][];
  overflow: StoreState['overflow'];
}

/** The store's scalar values, in this order, as one Float64Array (NaN survives, as it would not in JSON). */
const VALUE_ORDER: (keyof StoreState['values'])[] = ['lineCount', 'recordCount', 'preambleLines', 'sessionCount', 'descending', 'dated', 'logOffsetMin', 'hasOffset', 'prevWall', 'prevOffset', 'lastEndLine', 'lastEndOffset'];

export interface IndexCacheLimits {
  /** Entries kept (the least recently written go first). */
  entries?: number;
  /** Bytes the directory may hold. */
  bytes?: number;
}

/** The file of `logPath`'s entry in `dir`. */
export function cacheFileOf(dir: string, logPath: string): string {
  return path.join(dir, createHash('sha1').update(path.resolve(logPath)).digest('hex') + SUFFIX);
}

function kindOf(a: ArrayBufferView): ArrayKind {
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Uint16Array) return 'u16';
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Int16Array) return 'i16';
  if (a instanceof Float64Array) return 'f64';
  throw new Error('index cache: unexpected array');
}

/** Hashes `[start, end)` of the log. */
function hashRange(source: LogSource, start: number, end: number): string {
  return createHash('sha1').update(source.read(Math.max(0, start), end)).digest('hex');
}

/**
 * Writes `index` (of the log at `logPath`, read through its source) to the cache in `dir`, then
 * drops the oldest entries beyond `limits`. Written to a temporary file and renamed: a reader never
 * sees half an entry.
 */
export async function saveIndexCache(dir: string, logPath: string, index: LogIndex, limits: IndexCacheLimits = {}): Promise<void> {
  const state = index.exportState();
  const size = index.scannedTo;
  const values = Float64Array.from(VALUE_ORDER.map((k) => Number(state.store.values[k])));
  const parts: { name: CacheHeader['arrays'][number]['name']; data: ArrayBufferView }[] = [
    { name: 'values', data: values },
    { name: 'scan', data: state.scan },
  ];
  for (const [name, data] of Object.entries(state.store.arrays) as [StoreArrayName, ArrayBufferView | undefined][]) if (data !== undefined) parts.push({ name, data });
  const header: CacheHeader = {
    format: FORMAT,
    version: BUILD_VERSION,
    path: path.resolve(logPath),
    dialect: index.dialect.id,
    size,
    headHash: hashRange(index.source, 0, Math.min(HASHED, size)),
    tailHash: hashRange(index.source, size - HASHED, size),
    arrays: parts.map((p) => ({ name: p.name, kind: kindOf(p.data), length: (p.data as Uint8Array).length })),
    sessionDialogs: state.store.sessionDialogs,
    overflow: state.store.overflow,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  // MAGIC, header length, header, padding to 8 bytes, then each array padded to 8 bytes.
  const lead = Buffer.alloc(align(MAGIC.length + 4 + json.length));
  lead.write(MAGIC, 0, 'latin1');
  lead.writeUInt32LE(json.length, MAGIC.length);
  json.copy(lead, MAGIC.length + 4);
  await fs.promises.mkdir(dir, { recursive: true });
  const file = cacheFileOf(dir, logPath);
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await fs.promises.open(temp, 'w');
  try {
    await handle.write(lead);
    for (const p of parts) {
      const bytes = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
      await handle.write(bytes);
      const pad = align(bytes.length) - bytes.length;
      if (pad > 0) await handle.write(Buffer.alloc(pad));
    }
    await handle.close();
    await fs.promises.rename(temp, file);
  } catch (e) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(temp, { force: true });
    throw e;
  }
  await prune(dir, limits);
}

/**
 * The cached index of the log at `logPath` (open as `source`, detected as `dialect`), or undefined
 * when there is none or it no longer matches the log's bytes. A log that grew since comes back
 * indexed up to where the entry was made: call append on it for the rest.
 */
export async function loadIndexCache(dir: string, logPath: string, source: LogSource, dialect: Dialect, ctx: ParseContext, toleranceMs: number): Promise<LogIndex | undefined> {
  if (dialect.partable !== true) return undefined;
  let data: Buffer;
  try {
    data = await fs.promises.readFile(cacheFileOf(dir, logPath));
  } catch {
    return undefined;
  }
  const parsed = parseEntry(data);
  if (parsed === undefined) return undefined;
  const { header, arrays } = parsed;
  if (header.format !== FORMAT || header.version !== BUILD_VERSION || header.path !== path.resolve(logPath) || header.dialect !== dialect.id) return undefined;
  if (source.size < header.size) return undefined;
  if (hashRange(source, 0, Math.min(HASHED, header.size)) !== header.headHash) return undefined;
  if (hashRange(source, header.size - HASHED, header.size) !== header.tailHash) return undefined;
  const values = arrays.get('values');
  const scan = arrays.get('scan');
  if (!(values instanceof Float64Array) || !(scan instanceof Float64Array) || values.length !== VALUE_ORDER.length) return undefined;
  const v = Object.fromEntries(VALUE_ORDER.map((k, i) => [k, values[i]])) as Record<keyof StoreState['values'], number>;
  const store: StoreState = {
    arrays: Object.fromEntries([...arrays].filter(([name]) => name !== 'values' && name !== 'scan')) as StoreState['arrays'],
    values: { ...v, descending: v.descending === 1, dated: v.dated === 1, hasOffset: v.hasOffset === 1 },
    sessionDialogs: header.sessionDialogs,
    overflow: header.overflow,
  };
  const state: IndexState = { store, scan };
  let index: LogIndex;
  try {
    index = LogIndex.fromState(source, dialect, ctx, state);
  } catch {
    return undefined;
  }
  // A log whose last line had no terminator may have had it extended: only a fresh index knows.
  if (index.endsInPartialLine && source.size > index.scannedTo) return undefined;
  if (toleranceMs !== scan[11]) index.setTolerance(toleranceMs);
  return index;
}

/** The header and arrays of an entry, or undefined when it is not one. */
function parseEntry(data: Buffer): { header: CacheHeader; arrays: Map<string, ArrayBufferView> } | undefined {
  if (data.length < MAGIC.length + 4 || data.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const length = data.readUInt32LE(MAGIC.length);
  let header: CacheHeader;
  try {
    header = JSON.parse(data.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + length)) as CacheHeader;
  } catch {
    return undefined;
  }
  if (!Array.isArray(header.arrays)) return undefined;
  // Views need their element alignment: a buffer read from disk that is not 8-aligned is copied once.
  const bytes = data.byteOffset % 8 === 0 ? data : Buffer.from(data);
  let at = align(MAGIC.length + 4 + length);
  const arrays = new Map<string, ArrayBufferView>();
  for (const a of header.arrays) {
    const ctor = CONSTRUCTORS[a.kind];
    if (ctor === undefined) return undefined;
    const byteLength = a.length * ctor.BYTES_PER_ELEMENT;
    if (at + byteLength > bytes.length) return undefined;
    arrays.set(a.name, new ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset + at, a.length));
    at += align(byteLength);
  }
  return { header, arrays };
}

function align(n: number): number {
  return (n + 7) & ~7;
}

/** Drops the least recently written entries beyond the limits (default: 4 entries, 4 GB). */
async function prune(dir: string, limits: IndexCacheLimits): Promise<void> {
  const maxEntries = limits.entries ?? 4;
  const maxBytes = limits.bytes ?? 4 * 1024 ** 3;
  const names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith(SUFFIX));
  const entries = await Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name);
      const st = await fs.promises.stat(file).catch(() => undefined);
      return { file, mtimeMs: st?.mtimeMs ?? 0, size: st?.size ?? 0 };
    }),
  );
  entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    total += entries[i].size;
    if (i >= maxEntries || total > maxBytes) await fs.promises.rm(entries[i].file, { force: true });
  }
}
