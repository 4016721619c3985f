import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { oneOf, parseJson, parseOrThrow } from '../../engine/validate.ts';
import { errorOf } from './helpers.ts';

describe('parseJson', () => {
  it('parses JSON', () => {
    expect(parseJson(' {"a": [1, -2.5e3, "x\\n\\u00e9", true, null]} ', 'f.json')).toEqual({ a: [1, -2500, 'x\né', true, null] });
  });

  it.each([
    ['{"a": 1,\n "b": 2,\n}', 'line 3, column 1: expected a quoted key, got "}"'],
    ['[1, 2', 'line 1, column 6: expected "," or "]", got the end of the file'],
    ['{"a" 1}', 'line 1, column 6: expected ":", got "1"'],
    ['"abc', 'line 1, column 5: expected a closing quote, got the end of the file'],
    ['["a\\qb"]', 'line 1, column 5: expected an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), got "q"'],
    ['["a\tb"]', 'line 1, column 4: expected a string character (control characters must be escaped), got "\\t"'],
    ['[01]', 'line 1, column 3: expected "," or "]", got "1"'],
    ['[1.]', 'line 1, column 3: expected "," or "]", got "."'],
    ['{"x": -Infinity}', 'line 1, column 7: -Infinity is not a JSON number'],
    ['[\n  NaN\n]', 'line 2, column 3: NaN is not a JSON number'],
    ["{'a': 1}", 'line 1, column 2: expected a quoted key, got "\'"'],
    ['{"a": 1} {"b": 2}', 'line 1, column 10: expected the end of the file after the JSON value, got "{"'],
    ['', 'line 1, column 1: expected a value, got the end of the file'],
  ])('locates the error in %j', (text, where) => {
    expect(errorOf(() => parseJson(text, 'f.json'))).toBe(`f.json: invalid JSON at ${where}`);
  });
});

describe('parseOrThrow', () => {
  const schema = v.strictObject({ name: v.string('expected a name'), sizes: v.array(v.number('expected a number')), mode: oneOf(['a', 'b']) });
  it.each([
    [{ name: 'x', sizes: [1, 'two'], mode: 'a' }, 's: sizes[1]: expected a number, got "two"'],
    [{ name: 'x', sizes: [], mode: 'c' }, 's: mode: expected one of "a", "b", got "c"'],
    [{ sizes: [], mode: 'a' }, 's: missing field "name"'],
    [{ name: 'x', sizes: [], mode: 'a', extra: 1 }, 's: unexpected field "extra"'],
    [7, 's: expected Object, got 7'],
  ])('names the place and the problem: %j', (value, message) => {
    expect(errorOf(() => parseOrThrow(schema, value, 's'))).toBe(message);
  });
});
