import { RE2JS } from '@bufbuild/re2';
import { isIP } from 'node:net';

/**
 * String formats and patterns as the apiserver checks them. Patterns are Go (RE2) regexps, so they are
 * matched with an RE2 engine: JS RegExp rejects `(?i)` and treats some escapes differently.
 */

const patternCache = new Map<string, ((s: string) => boolean) | null>();

/** A matcher for an OpenAPI `pattern` (unanchored, like Go's MatchString); null if it cannot be compiled. */
export function patternMatcher(pattern: string): ((s: string) => boolean) | null {
  let m = patternCache.get(pattern);
  if (m === undefined) {
    try {
      const re = RE2JS.compile(pattern);
      m = (s) => re.test(s);
    } catch {
      m = null;
    }
    patternCache.set(pattern, m);
  }
  return m;
}

const dateTime = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const date = /^\d{4}-\d{2}-\d{2}$/;
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const hostname = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;
const mac = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
const goDuration = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d|w))+$/;
const email = /^[^@\s]+@[^@\s]+$/;

/** Format checks for strings, keyed by the names kube-openapi registers; other formats are ignored like the apiserver does. */
const stringFormats: Record<string, (s: string) => boolean> = {
  'date-time': (s) => dateTime.test(s),
  datetime: (s) => dateTime.test(s),
  date: (s) => date.test(s),
  byte: (s) => base64.test(s),
  uuid: (s) => uuid.test(s),
  uuid3: (s) => uuid.test(s),
  uuid4: (s) => uuid.test(s),
  uuid5: (s) => uuid.test(s),
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  cidr: (s) => isCidr(s),
  hostname: (s) => s.length <= 255 && hostname.test(s),
  mac: (s) => mac.test(s),
  duration: (s) => goDuration.test(s.replace(/\s+/g, '')),
  email: (s) => email.test(s),
  uri: (s) => isUri(s),
};

function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  const family = slash < 0 ? 0 : isIP(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  return family !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

function isUri(s: string): boolean {
  if (s.startsWith('/')) return !/\s/.test(s);
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** null when the value satisfies the format (or the format is not one the apiserver checks). */
export function formatProblem(format: string, value: unknown): string | null {
  if (typeof value === 'string') {
    const check = stringFormats[format];
    return check && !check(value) ? `must be of format ${format}` : null;
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    // The apiserver stores these fine, but operators decode them into Go int32/int64 and fail later.
    if (format === 'int32' && (value > 2147483647 || value < -2147483648)) return 'is out of the int32 range';
    if (format === 'int64' && Math.abs(value) >= 2 ** 63) return 'is out of the int64 range';
  }
  return null;
}
