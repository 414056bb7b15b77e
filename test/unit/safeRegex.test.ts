import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSafeRegex, foldPattern } from '../../server/src/engine/safeRegex';
import { QueryError, runFilter } from '../../server/src/engine';
import { open } from './helpers';

// A liveness bound, not a speed target: without the linear engine these patterns run for hours.
const HANG = { timeout: 20_000 };

test('catastrophic patterns finish on long lines, in both case modes', HANG, () => {
  const line = 'a'.repeat(50_000) + '!';
  for (const pattern of ['(a+)+$', '(a|aa)+$', '(a*)*b', '(x+x+)+y', '^(a|a?)+$']) {
    for (const ignoreCase of [false, true]) {
      assert.equal(compileSafeRegex(pattern, ignoreCase).test(line), false, `${pattern} ${ignoreCase}`);
    }
  }
});

test('a catastrophic filter over a log with a huge line finishes', HANG, () => {
  const index = open(`12:00:00.000 2 A-1 ${'a'.repeat(200_000)}!\n12:00:01.000 2 A-2 aaab\n`);
  const result = runFilter(index, { regex: '(a+)+b$', ignoreCase: true });
  assert.deepEqual(result.items.map((i) => i.kind === 'record' && i.record), [1]);
});

test('patterns that only a backtracking engine runs are refused with a clear message', () => {
  for (const pattern of ['(a+)\\1', '(?=a)b', '(?<!x)y', '(?<n>a)\\k<n>']) {
    assert.throws(() => compileSafeRegex(pattern, false), (e: Error) => e instanceof QueryError && /backreferences or lookaround/.test(e.message));
  }
  assert.throws(() => compileSafeRegex('(', false), (e: Error) => e instanceof QueryError && /^bad regular expression/.test(e.message));
});

test('ignore-case folding keeps escapes and group names', () => {
  assert.equal(foldPattern('IMAP-\\d+\\D\\W\\S\\B\\u00C9\\p{Lu}(?<Name>X)[A-Z]'), 'imap-\\d+\\D\\W\\S\\B\\u00C9\\p{Lu}(?<Name>x)[a-z]');
  const re = compileSafeRegex('Error Code=\\w+', true);
  assert.equal(re.test('read failed. error code=read time-out'), true);
  assert.equal(re.test('ERROR CODE=X'), true);
  assert.equal(compileSafeRegex('\\D+', true).test('ABC'), true);
  assert.equal(compileSafeRegex('Error', false).test('error'), false);
});
