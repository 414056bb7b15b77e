// Which errors on the language server's connection the client lives through. Over stdio, a server that
// dies (a crash, a kill) leaves the client writing into a closed pipe: every message in flight fails
// (EPIPE, then "Cannot call write after a stream was destroyed"), as many as the editor had just sent,
// before the process's exit is seen. Those errors only say that the process is gone, and the close that
// follows restarts it (ServerRecovery.closed). Shutting the client down after three of them, as
// vscode-languageclient does by default, left the editor without a server when a kill met a burst of
// requests. No vscode import: the unit tests load this file.

/** Error codes of a write to, or a read from, a pipe whose other end has closed. */
const CLOSED_PIPE_CODES = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END', 'ECONNRESET']);

/** Whether `error` is the connection's pipe closing under it (the server process gone). */
export function isClosedPipe(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined && CLOSED_PIPE_CODES.has(code)) || /\bEPIPE\b|stream was destroyed|write after end/.test(error.message);
}

/**
 * Whether the client goes on after a connection error rather than shut down: always for a closed pipe
 * (the close restarts the server), else for the first three errors in a row, as vscode-languageclient's
 * default handler does.
 */
export function survivesConnectionError(error: Error, count: number | undefined): boolean {
  return isClosedPipe(error) || (count !== undefined && count <= 3);
}
