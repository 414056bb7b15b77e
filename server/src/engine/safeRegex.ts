// Regular expressions from users, matched in time linear in the text: a pattern such as `(a+)+$`
// must not hang the server or msglog on a long log line.
//
// V8 has a linear-time engine. With the flags below, a regex that backtracks too much falls back to
// it; patterns that engine cannot run (backreferences, lookaround) are refused up front, since only
// they could still backtrack without bound. The linear engine has no ignore-case mode, so
// ignore-case patterns are case-folded instead: the pattern's literal letters and the text are
// lower-cased.
import * as v8 from 'v8';
import { QueryError } from './query';

let flagsSet = false;

function enableLinearEngine(): void {
  if (flagsSet) return;
  v8.setFlagsFromString('--enable-experimental-regexp-engine');
  v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  // Fall back early: a pattern such as `x+z` backtracks quadratically long before the default
  // 50 000 backtracks of one attempt; ordinary patterns on log lines stay far below 100.
  v8.setFlagsFromString('--regexp-backtracks-before-fallback=100');
  flagsSet = true;
}

/** A compiled user pattern: `test` is linear in the length of the text. */
export interface SafeRegex {
  test(text: string): boolean;
}

export function compileSafeRegex(pattern: string, ignoreCase: boolean): SafeRegex {
  enableLinearEngine();
  try {
    new RegExp(pattern, ignoreCase ? 'i' : '');
  } catch (e) {
    // V8 says "Invalid regular expression: /(/: Unterminated group": the kind is said once, by us.
    throw new QueryError(`bad regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
  const source = ignoreCase ? foldPattern(pattern) : pattern;
  try {
    new RegExp(source, 'l');
  } catch {
    throw new QueryError(
      `regular expression not supported: /${pattern}/ uses backreferences or lookaround, which can take exponential time on long lines`,
    );
  }
  const re = new RegExp(source);
  return ignoreCase ? { test: (text) => re.test(text.toLowerCase()) } : { test: (text) => re.test(text) };
}

/**
 * Lower-cases a pattern's literal characters, leaving escape sequences (`\D`, `\W`, `\u00C9`,
 * `\p{Lu}`) and group names as written, so that it matches lower-cased text as `i` would.
 */
export function foldPattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      const m = /^\\(?:[pPk]\{[^}]*\}|k<[^>]*>|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|.)/s.exec(pattern.slice(i));
      const escape = m ? m[0] : ch;
      out += escape;
      i += escape.length - 1;
    } else if (ch === '(' && pattern.startsWith('(?<', i) && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
      const close = pattern.indexOf('>', i);
      out += pattern.slice(i, close + 1);
      i = close;
    } else {
      out += ch.toLowerCase();
    }
  }
  return out;
}
