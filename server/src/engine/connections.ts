// The client connections inside a session, for dialects where one session (a Messaging Server
// process) serves many (FORMATS §2.5): records grouped by the `[ip:port]` they name, so that one
// user's IMAP connection is found without every other connection of the process.
import type { LogIndex } from './logIndex';
import { sessionRecords } from './navigation';

export interface ConnectionSummary {
  /** As written: `[192.0.2.18:51234]`. */
  connection: string;
  /** The account named after the connection in its login/close records, if any. */
  user?: string;
  /** Records of the session that name the connection, in file order. */
  records: number[];
  problems: number;
}

const USER_AFTER = /^\s+(?:\[unauthenticated\]|([^\s[\]]+))/;

/** The session's connections in order of first record, and how many records name none. */
export function sessionConnections(index: LogIndex, session: number): { connections: ConnectionSummary[]; unnamed: number } {
  const connectionOf = index.dialect.connectionOf;
  const out = new Map<string, ConnectionSummary>();
  let unnamed = 0;
  if (!connectionOf) return { connections: [], unnamed: index.sessionRecordCount[session] };
  for (const r of sessionRecords(index, session)) {
    const line = index.headerLine(r);
    const connection = connectionOf(line);
    if (connection === undefined) {
      unnamed++;
      continue;
    }
    let c = out.get(connection);
    if (!c) {
      c = { connection, records: [], problems: 0 };
      out.set(connection, c);
    }
    c.records.push(r);
    if (index.isProblem(r)) c.problems++;
    if (c.user === undefined) {
      // `login [ip:port] alice plaintext`, `close [ip:port] alice …`: the word after the connection.
      const after = USER_AFTER.exec(line.slice(line.indexOf(connection) + connection.length));
      if (after?.[1] && !/^(plaintext|SASL)$/.test(after[1])) c.user = after[1];
    }
  }
  return { connections: [...out.values()], unnamed };
}
