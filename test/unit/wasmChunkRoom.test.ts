// A keyless index (msglog check) of a log on disk reads each chunk straight into its WebAssembly scan's
// memory (FastScan.chunkRoom), where the module scans it without a copy. What it builds must be what
// the same scan builds from chunks copied into that memory, and what the parser alone builds, in every
// dialect; and the chunks must really be read there, or the copy this saves would silently come back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DIALECTS } from '../../server/src/engine/dialects';
import { FileSource, LogIndex, MemorySource } from '../../server/src/engine';
import type { LogSource } from '../../server/src/engine/source';
import { ConcatSource } from '../../server/src/engine/concatSource';
import type { Dialect, FastScan } from '../../server/src/engine/types';
import { generatedLog, snapshot } from './helpers';

const CTX = { fileName: '2026-01-15.log' };

/** Where the chunks the scanner handed a fast scan (beginChunk) lay: in the scan's room or elsewhere. */
interface Handed {
  inRoom: number;
  elsewhere: number;
}

/** `dialect` whose fast scans count where their chunks lie in `handed`, and do all else as they do. */
function counting(dialect: Dialect, handed: Handed): Dialect {
  const make = dialect.createFastScan;
  assert.ok(make !== undefined, `${dialect.id} has a fast scan`);
  return {
    ...dialect,
    createFastScan: (parser) => {
      const scan = make.call(dialect, parser);
      const spy: FastScan = {
        zoned: scan.zoned,
        scan: (buf, pos, stop, base, out) => scan.scan(buf, pos, stop, base, out),
        beginChunk(buf) {
          const room = scan.chunkRoom?.();
          if (room !== undefined && buf.buffer === room.buffer && buf.byteOffset === room.byteOffset) handed.inRoom++;
          else handed.elsewhere++;
          scan.beginChunk?.(buf);
        },
        endChunk: () => scan.endChunk?.(),
        chunkRoom: () => scan.chunkRoom?.(),
      };
      return spy;
    },
  };
}

function keyless(source: LogSource, dialect: Dialect, fastScan = true, chunkSize?: number): LogIndex {
  const index = new LogIndex(source, dialect, CTX, { fastScan });
  index.build({ keyless: true, problemLines: true, chunkSize });
  return index;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msglog-chunk-room-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

for (const dialect of DIALECTS) {
  test(`keyless ${dialect.id}: chunks read into the WebAssembly scan's memory index as chunks copied there and as the parser reads them`, () => {
    const file = generatedLog(dir, dialect.id.replace(/-log$/, ''), 3);
    const bytes = fs.readFileSync(file);
    const handed: Handed = { inRoom: 0, elsewhere: 0 };
    const source = new FileSource(file);
    try {
      const read = snapshot(keyless(source, counting(dialect, handed)));
      // 3 MB in chunks of 1 MB, each read where the module scans it.
      assert.ok(handed.inRoom >= 3, `${handed.inRoom} chunks read into the module's memory`);
      assert.equal(handed.elsewhere, 0);
      // The same through the stream of a log's files msglog reads (logSet.ts), which passes the room on.
      const streamed: Handed = { inRoom: 0, elsewhere: 0 };
      assert.deepEqual(snapshot(keyless(new ConcatSource([source]), counting(dialect, streamed))), read, 'through a ConcatSource');
      assert.deepEqual(streamed, handed);
      assert.deepEqual(read, snapshot(keyless(new MemorySource(bytes), dialect)), 'as from chunks copied into it');
      assert.deepEqual(read, snapshot(keyless(new MemorySource(bytes), dialect, false)), 'as the parser reads them');
      // A chunk larger than the room is read elsewhere and copied in, as before (the last, 1 MB, is read into it).
      const large: Handed = { inRoom: 0, elsewhere: 0 };
      assert.deepEqual(snapshot(keyless(source, counting(dialect, large), true, 2 << 20)), read, 'chunks of 2 MB');
      assert.deepEqual(large, { inRoom: 1, elsewhere: 1 });
    } finally {
      source.close();
    }
  });
}
