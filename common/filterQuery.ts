// What a filter asks for (FORMATS §5, §14): the engine's filter query, which the client sends as it is.

export interface FilterQuery {
  /** Substring to find in record bodies (case-sensitive unless ignoreCase); joins `texts`. */
  text?: string;
  /** Regular expression to find in record bodies; joins `regexes`. */
  regex?: string;
  /** Substrings that must all be found. */
  texts?: string[];
  /** Regular expressions that must all match. */
  regexes?: string[];
  /** Records holding any of these substrings are dropped (keyed filters: in pass 1 only). */
  excludeTexts?: string[];
  /** Records matching any of these regular expressions are dropped (keyed filters: in pass 1 only). */
  excludeRegexes?: string[];
  /** Session keys whose records are dropped (Filter Out Session; keyed filters: in pass 1 only). */
  excludeSessions?: string[];
  /** Components whose sessions' records are dropped (Filter Out Component; keyed filters: in pass 1 only). */
  excludeComponents?: string[];
  /** Applies to every text condition, included and excluded. */
  ignoreCase?: boolean;
  /** Two passes: remember the session keys of matching records, then output all their records. */
  keyed?: boolean;
  /** CommuniGate digit 0–5 or a severity name. */
  level?: string;
  /** Inclusive interval bounds (FORMATS §3 queries). */
  from?: string;
  to?: string;
  /** Up to this many neighbouring records around each output record, groups separated as grep does. */
  context?: number;
}

/** Whether a query says what to look for (an empty text, matching every record, counts). */
export function hasCondition(q: FilterQuery): boolean {
  return [q.text, q.regex].some((x) => x !== undefined) || [q.texts, q.regexes, q.excludeTexts, q.excludeRegexes, q.excludeSessions, q.excludeComponents].some((l) => (l?.length ?? 0) > 0);
}
