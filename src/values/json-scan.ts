/**
 * Finds where the first JSON value in a text ends, the way Go's json.Decoder does for
 * --set-json key=<json>,key2=<json>: the decoder stops right after one complete value and the
 * rest of the text is parsed as further key=value pairs. A number ends at the first character
 * that cannot continue it, so "3x" yields 3 and leaves "x".
 */
export class JsonScanError extends Error {}

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;

function skipWs(s: string, i: number): number {
  while (i < s.length && WS.has(s[i])) i++;
  return i;
}

function fail(s: string, i: number, what: string): never {
  throw new JsonScanError(i >= s.length ? `unexpected end of JSON ${what}` : `unexpected ${JSON.stringify(s[i])} in JSON ${what}`);
}

function string(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
    else if (c < ' ') fail(s, j, 'string (control characters must be escaped)');
  }
  return fail(s, s.length, 'string');
}

function number(s: string, i: number): number {
  NUMBER.lastIndex = i;
  const m = NUMBER.exec(s);
  if (!m || m[0] === '-') return fail(s, i + (m ? 1 : 0), 'value');
  const end = i + m[0].length;
  // Go has already committed to a fraction or exponent once it sees "." or "e" here.
  if ((s[end] === '.' && m[1] === undefined) || ((s[end] === 'e' || s[end] === 'E') && m[2] === undefined)) {
    return fail(s, end + 1, 'number');
  }
  return end;
}

function value(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return string(s, i);
  if (c === '{' || c === '[') return container(s, i);
  for (const literal of ['true', 'false', 'null']) {
    if (s.startsWith(literal, i)) return i + literal.length;
    if (c === literal[0]) return fail(s, i, `literal (expected ${literal})`);
  }
  if (c === '-' || (c >= '0' && c <= '9')) return number(s, i);
  return fail(s, i, 'value');
}

function container(s: string, i: number): number {
  const close = s[i] === '{' ? '}' : ']';
  const what = close === '}' ? 'object' : 'array';
  i = skipWs(s, i + 1);
  if (s[i] === close) return i + 1;
  for (;;) {
    if (close === '}') {
      if (s[i] !== '"') fail(s, i, `${what} (keys must be quoted strings)`);
      i = skipWs(s, string(s, i));
      if (s[i] !== ':') fail(s, i, `${what} (expected ":")`);
      i = skipWs(s, i + 1);
    }
    i = skipWs(s, value(s, i));
    if (s[i] === close) return i + 1;
    if (s[i] !== ',') fail(s, i, `${what} (expected "," or "${close}")`);
    i = skipWs(s, i + 1);
  }
}

/** Index just past the first JSON value of `s`, which may start with JSON whitespace. */
export function jsonValueEnd(s: string): number {
  return value(s, skipWs(s, 0));
}

/** JSON.parse, except that numbers too large for a float64 fail as they do in Go. */
export function parseJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new JsonScanError('number out of range');
    return v;
  });
}
