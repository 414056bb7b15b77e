// Rows measured against the language server (node server/out/server.js --stdio) over LSP:
//   server-50mb  — didOpen of a 50 MB CommuniGate document (announced by messagingLogs/documentOpening
//                  first, as the extension's client does) until its diagnostics are published and
//                  foldingRange and documentSymbol (sent right after didOpen) have answered
//   warm-filter  — a keyed filter request on a large log the server already indexed from disk
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, LspError, METHOD_NOT_FOUND, withTimeout } from '../lib/lsp-client.mjs';
import { measuredRow, unavailableRow } from '../lib/rows.mjs';
import { fmtBytes, fmtMs, log, median, nowMs, ROOT } from '../lib/util.mjs';

export const SERVER_ROWS = {
  'server-50mb': { what: (mb) => `language server didOpen ${mb} MB → diagnostics+folding+symbols`, target: '≤ 400 ms' },
  'warm-filter': { what: (mb) => `warm keyed filter, language server (index built), ${mb} MB`, target: '≤ 300 ms' },
};

/** The custom filter method, read from protocol.ts so that a rename is followed. */
function filterMethod() {
  try {
    const src = fs.readFileSync(path.join(ROOT, 'server/src/protocol.ts'), 'utf8');
    return (/\bfilter:\s*'([^']+)'/.exec(src) ?? [])[1] ?? 'messagingLogs/filter';
  } catch {
    return 'messagingLogs/filter';
  }
}

export async function server50mbRow({ file, mb, runs }) {
  const def = SERVER_ROWS['server-50mb'];
  const what = def.what(mb);
  const text = fs.readFileSync(file, 'utf8');
  const uri = pathToFileURL(file).href;
  const totals = [];
  const parts = { diagnostics: [], folding: [], symbols: [] };
  let counts;
  for (let i = 0; i < runs; i++) {
    const client = new LspClient();
    try {
      await client.initialize();
      const caps = client.capabilities;
      const missing = [];
      if (!caps.foldingRangeProvider) missing.push('foldingRange');
      if (!caps.documentSymbolProvider) missing.push('documentSymbol');
      if (!caps.textDocumentSync) missing.push('textDocumentSync');
      if (missing.length) return unavailableRow({ id: 'server-50mb', what, target: def.target, reason: `the server does not advertise ${missing.join(', ')} yet` });
      // Encode everything first: the client's own JSON encoding of 50 MB is not the server's time.
      // As the extension's client does: messagingLogs/documentOpening just before the didOpen of a saved file.
      const opening = LspClient.frame({ jsonrpc: '2.0', method: 'messagingLogs/documentOpening', params: { uri, languageId: 'communigate-log' } });
      const didOpen = LspClient.frame({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'communigate-log', version: 1, text } } });
      const folding = client.prepareRequest('textDocument/foldingRange', { textDocument: { uri } });
      const symbols = client.prepareRequest('textDocument/documentSymbol', { textDocument: { uri } });
      const diagnostics = client.waitForNotification('textDocument/publishDiagnostics', (p) => p?.uri === uri, 120_000);
      const t0 = nowMs();
      const stamp = (p) => p.then((v) => ({ v, ms: nowMs() - t0 }));
      const waits = [stamp(diagnostics), stamp(withTimeout(folding.promise, 120_000, 'foldingRange')), stamp(withTimeout(symbols.promise, 120_000, 'documentSymbol'))];
      client.send(opening);
      client.send(didOpen);
      client.send(folding.framed);
      client.send(symbols.framed);
      const [d, f, s] = await Promise.all(waits);
      const total = nowMs() - t0;
      totals.push(total);
      parts.diagnostics.push(d.ms);
      parts.folding.push(f.ms);
      parts.symbols.push(s.ms);
      counts = { diagnostics: d.v.diagnostics?.length ?? 0, foldingRanges: f.v?.length ?? 0, symbols: s.v?.length ?? 0, peakRssBytes: client.peakRss() };
      log(`server 50 MB run ${i + 1}/${runs}: ${fmtMs(total)} (diagnostics ${fmtMs(d.ms)}, folding ${fmtMs(f.ms)}, symbols ${fmtMs(s.ms)})`);
    } catch (e) {
      const reason = e instanceof LspError && e.code === METHOD_NOT_FOUND ? `the server does not implement ${e.method} yet` : e.message;
      return unavailableRow({ id: 'server-50mb', what, target: def.target, status: e instanceof LspError && e.code === METHOD_NOT_FOUND ? 'not available' : 'error', reason });
    } finally {
      await client.shutdown();
    }
  }
  const ms = median(totals);
  return measuredRow({
    id: 'server-50mb',
    what,
    measured: fmtMs(ms),
    value: ms,
    limit: 400,
    target: def.target,
    note:
      `median of ${runs}, a new server each run; time from writing documentOpening and didOpen (rangeLimit 5000, as VS Code) to the last of the three answers ` +
      `(medians: diagnostics ${fmtMs(median(parts.diagnostics))}, folding ${fmtMs(median(parts.folding))}, symbols ${fmtMs(median(parts.symbols))}); ` +
      `${counts.diagnostics} diagnostics, ${counts.foldingRanges} folding ranges, ${counts.symbols} top-level symbols` +
      (counts.peakRssBytes ? `; server peak RSS ${fmtBytes(counts.peakRssBytes)}` : ''),
    data: { totalMs: totals, ...parts, ...counts },
  });
}

export async function warmFilterRow({ file, mb, key, runs }) {
  const def = SERVER_ROWS['warm-filter'];
  const what = def.what(mb);
  const method = filterMethod();
  const uri = pathToFileURL(file).href;
  const params = { uri, query: { text: key, keyed: true } };
  const client = new LspClient();
  try {
    await client.initialize();
    // The file is not opened (VS Code hands no document over 50 MB to extensions): the request names
    // it by its file: URI and the server has to read and index it from disk.
    let cold;
    const t0 = nowMs();
    try {
      cold = await client.request(method, params, 10 * 60_000);
    } catch (e) {
      if (e instanceof LspError && e.code === METHOD_NOT_FOUND) return unavailableRow({ id: 'warm-filter', what, target: def.target, reason: `the server does not implement ${method} yet` });
      throw e;
    }
    const coldMs = nowMs() - t0;
    if (!cold || cold.error || !(cold.records > 0)) {
      const said = cold?.error ? ` (server said: ${cold.error})` : cold ? ` (${cold.records} records)` : '';
      return unavailableRow({ id: 'warm-filter', what, target: def.target, reason: `server cannot index files from disk yet${said}` });
    }
    log(`warm filter: cold request (server reads and indexes the file) ${fmtMs(coldMs)}, ${cold.records} records`);
    const warm = [];
    const n = Math.max(5, runs);
    for (let i = 0; i < n; i++) {
      const t = nowMs();
      const r = await client.request(method, params);
      warm.push(nowMs() - t);
      if (r.records !== cold.records) throw new Error(`warm filter answered ${r.records} records, cold ${cold.records}`);
    }
    const ms = median(warm);
    const rss = client.peakRss();
    log(`warm filter: ${warm.map(fmtMs).join(', ')}`);
    return measuredRow({
      id: 'warm-filter',
      what,
      measured: fmtMs(ms),
      value: ms,
      limit: 300,
      target: def.target,
      note: `median of ${n} requests after a cold one of ${fmtMs(coldMs)} (read + index from disk); ${method} {text: KEY, keyed: true} on the unopened file: URI, ${cold.records} records, ${cold.keyedSessions} keyed sessions` + (rss ? `; server peak RSS ${fmtBytes(rss)}` : ''),
      data: { warmMs: warm, coldMs, records: cold.records, keyedSessions: cold.keyedSessions, peakRssBytes: rss },
    });
  } catch (e) {
    return unavailableRow({ id: 'warm-filter', what, target: def.target, status: 'error', reason: e.message });
  } finally {
    await client.shutdown();
  }
}
