/**
 * Scalar typing exactly as go-yaml v2 (gopkg.in/yaml.v2 resolve.go) does it, because Helm reads
 * values files with go-yaml v2 and then converts them to JSON (sigs.k8s.io/yaml). That is YAML 1.1
 * with Go flavour: yes/no/on/off/y/n are booleans, 0775 is octal, 0x1F hex, 0b101 binary, 1_000 an
 * int, 1e3 a string (the exponent needs a sign), 1:20 a string (no base 60), timestamps stay text.
 */

export type Resolved =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'timestamp'; value: string };

export const TAG = {
  str: 'tag:yaml.org,2002:str',
  bool: 'tag:yaml.org,2002:bool',
  int: 'tag:yaml.org,2002:int',
  float: 'tag:yaml.org,2002:float',
  null: 'tag:yaml.org,2002:null',
  timestamp: 'tag:yaml.org,2002:timestamp',
  binary: 'tag:yaml.org,2002:binary',
  merge: 'tag:yaml.org,2002:merge',
} as const;

const KIND_OF_TAG: Record<string, Resolved['kind']> = {
  [TAG.str]: 'str',
  [TAG.bool]: 'bool',
  [TAG.int]: 'int',
  [TAG.float]: 'float',
  [TAG.null]: 'null',
  [TAG.timestamp]: 'timestamp',
};

const WORDS = new Map<string, Resolved>();
for (const w of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) {
  WORDS.set(w, { kind: 'bool', value: true });
}
for (const w of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) {
  WORDS.set(w, { kind: 'bool', value: false });
}
for (const w of ['', '~', 'null', 'Null', 'NULL']) WORDS.set(w, { kind: 'null' });
for (const w of ['.nan', '.NaN', '.NAN']) WORDS.set(w, { kind: 'float', value: NaN });
for (const w of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) WORDS.set(w, { kind: 'float', value: Infinity });
for (const w of ['-.inf', '-.Inf', '-.INF']) WORDS.set(w, { kind: 'float', value: -Infinity });

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
// go-yaml's yamlStyleFloat; note the mandatory sign in the exponent.
const YAML_STYLE_FLOAT = /^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/;
// What strconv.ParseFloat accepts for text that starts with "." (go-yaml's '.' hint).
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const GO_INT_BASE0 = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/;

/** strconv.ParseInt(s, 0, 64) then ParseUint(s, 0, 64); undefined when both fail. */
function parseGoInteger(s: string): bigint | undefined {
  const m = GO_INT_BASE0.exec(s);
  if (!m) return undefined;
  const [, sign, body] = m;
  let magnitude: bigint;
  if (/^0[xX]/.test(body)) magnitude = BigInt(`0x${body.slice(2)}`);
  else if (/^0[bB]/.test(body)) magnitude = BigInt(`0b${body.slice(2)}`);
  else if (/^0[oO]/.test(body)) magnitude = BigInt(`0o${body.slice(2)}`);
  else if (body.length > 1 && body[0] === '0') magnitude = BigInt(`0o${body.slice(1)}`);
  else magnitude = BigInt(body);
  const value = sign === '-' ? -magnitude : magnitude;
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  // ParseUint takes no sign at all, not even "+".
  if (sign === '' && value <= UINT64_MAX) return value;
  return undefined;
}

function parseFloatText(s: string): number | undefined {
  const n = Number(s);
  // ParseFloat reports overflow as an error, so such text stays a string.
  return Number.isFinite(n) ? n : undefined;
}

// The layouts go-yaml v2 tries with time.Parse; only needed to honour an explicit !!timestamp.
const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|[ ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/;

function looksLikeTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const [, , month, day, t, hour, minute, second, zone] = m;
  if (+month < 1 || +month > 12 || +day < 1 || +day > 31) return false;
  if (hour === undefined) return true;
  // "T" layouts require a zone, the space layout forbids one.
  if ((t !== undefined) !== (zone !== undefined)) return false;
  return +hour < 24 && +minute < 60 && +second < 60;
}

function hintOf(text: string): string {
  if (text === '') return 'N';
  const c = text[0];
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
}

/** Resolution of an untagged plain scalar (go-yaml's resolve with an empty tag). */
export function resolvePlain(text: string, allowTimestamp = true): Resolved {
  const hint = hintOf(text);
  if (hint === '') return { kind: 'str', value: text };
  const word = WORDS.get(text);
  if (word) return word;
  if (hint === '.') {
    const f = DOT_FLOAT.test(text) ? parseFloatText(text) : undefined;
    if (f !== undefined) return { kind: 'float', value: f };
  } else if (hint === 'D' || hint === 'S') {
    if (allowTimestamp && looksLikeTimestamp(text)) return { kind: 'timestamp', value: text };
    const plain = text.replaceAll('_', '');
    const int = parseGoInteger(plain);
    if (int !== undefined) return { kind: 'int', value: int };
    const f = YAML_STYLE_FLOAT.test(plain) ? parseFloatText(plain) : undefined;
    if (f !== undefined) return { kind: 'float', value: f };
  }
  return { kind: 'str', value: text };
}

export class ScalarTagError extends Error {}

/**
 * Resolution of a scalar that carries an explicit tag. Unknown and local tags (!foo) leave the
 * text as a string; !!binary is base64-decoded; a standard tag must agree with the text.
 */
export function resolveTagged(tag: string, text: string): Resolved {
  if (tag === TAG.binary) return { kind: 'str', value: decodeBase64(text) };
  const wanted = KIND_OF_TAG[tag];
  if (wanted === undefined) return { kind: 'str', value: text };
  if (wanted === 'str') return { kind: 'str', value: text };
  const got = resolvePlain(text, wanted === 'timestamp');
  if (got.kind === wanted) return got;
  if (wanted === 'float' && got.kind === 'int') return { kind: 'float', value: Number(got.value) };
  throw new ScalarTagError(`cannot read ${JSON.stringify(text)} as !!${tag.slice(tag.lastIndexOf(':') + 1)}`);
}

function decodeBase64(text: string): string {
  // Go's StdEncoding skips line breaks but nothing else, and insists on padding.
  const compact = text.replace(/[\r\n]/g, '');
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
    throw new ScalarTagError('!!binary value contains invalid base64 data');
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

/**
 * sigs.k8s.io/yaml turns a float map key into text with strconv.FormatFloat(f, 'g', -1, 32):
 * shortest float32 digits, exponent form below 1e-4 or from 1e+06 up.
 */
export function formatFloatKey(f: number): string {
  const f32 = Math.fround(f);
  if (Number.isNaN(f32)) return '.nan';
  if (f32 === Infinity) return '.inf';
  if (f32 === -Infinity) return '-.inf';
  if (f32 === 0) return Object.is(f32, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let precision = 1; precision <= 9; precision++) {
    const s = Math.abs(f32).toExponential(precision - 1);
    if (Math.fround(Number(s)) === Math.abs(f32)) {
      const [mantissa, e] = s.split('e');
      digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
      exp = Number(e);
      break;
    }
  }
  const sign = f32 < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const rest = digits.slice(1);
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}${frac ? `.${frac}` : ''}`;
}
