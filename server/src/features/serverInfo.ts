// `messagingLogs/serverInfo`: the server's process, memory and the logs it holds from disk, and how
// its large documents were taken in (tests, troubleshooting, the client's recovery after a crash).
import type { ServerInfoResult } from '../../../common/protocol';
import type { OpenedTexts } from '../byteDocuments';
import type { LogCache } from '../logCache';

export function serverInfo(cache: LogCache, openedTexts: OpenedTexts): ServerInfoResult {
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  return {
    pid: process.pid,
    memory: { rss, heapUsed, external, arrayBuffers },
    largeLogs: cache.largeLogs.list().map(({ uri, parse, backing, bytes, watched }) => ({
      uri,
      backing,
      bytes,
      records: parse.index?.recordCount ?? 0,
      sessions: parse.index?.sessionCount ?? 0,
      watched,
    })),
    documentsIndexedAhead: cache.earlyIndexesTaken,
    firstAnswersMadeAhead: cache.earlyAnswersTaken,
    documentsReadAsBytes: openedTexts.taken,
  };
}
