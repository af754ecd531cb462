/**
 * Errors as the apiserver sends them: metav1.Status bodies with the same reasons, codes, detail
 * fields and message wording, because clients (kubectl, our own CLI) parse and print them.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  readonly status: Status;
  constructor(code: number, reason: string | undefined, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
    if (reason) status.reason = reason;
    if (details) status.details = details;
    // Key order matches the apiserver's JSON (code last) so byte-level comparisons in tests read naturally.
    this.status = reorder(status);
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

function reorder(s: Status): Status {
  const { code, ...rest } = s;
  return { ...rest, code } as Status;
}

/** What errors need to know about a resource: its group and plural ("deployments.apps"). */
export interface ResourceRef {
  group: string;
  plural: string;
}

export function qualifiedResource(r: ResourceRef): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

function details(r: ResourceRef, name: string, extra: Partial<StatusDetails> = {}): StatusDetails {
  const d: StatusDetails = { name };
  if (r.group) d.group = r.group;
  // The apiserver really puts the resource (plural) in details.kind for these errors.
  d.kind = r.plural;
  return { ...d, ...extra };
}

export function notFound(r: ResourceRef, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(r)} "${name}" not found`, details(r, name));
}

export function alreadyExists(r: ResourceRef, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(r)} "${name}" already exists`, details(r, name));
}

export function conflict(r: ResourceRef, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(r)} "${name}": ${why}`, details(r, name));
}

export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function staleConflict(r: ResourceRef, name: string): ApiError {
  return conflict(r, name, OBJECT_MODIFIED);
}

export function forbidden(r: ResourceRef, name: string, why: string, causes?: StatusCause[]): ApiError {
  const subject = name ? `${qualifiedResource(r)} "${name}"` : qualifiedResource(r);
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${why}`, details(r, name, causes ? { causes } : {}));
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
  );
}

export function internalError(message: string, extraCauses?: StatusCause[]): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: extraCauses ?? [{ message }],
  });
}

/** A 500 without a reason: what the apiserver sends for plain Go errors (e.g. SSA typed-patch failures). */
export function plainServerError(message: string): ApiError {
  return new ApiError(500, undefined, message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

// ---- field errors (k8s.io/apimachinery/pkg/util/validation/field) ----

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'InternalError';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  InternalError: 'Internal error',
};

const OMIT = Symbol('omit');

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
}

/** A bad value already rendered the way the apiserver prints it (unstructured values print as JSON). */
export class RenderedValue {
  constructor(readonly text: string) {}
}

/** Go's %v/%q/%#v rendering of a bad value, close enough for messages people read. */
export function formatBadValue(value: unknown): string {
  if (value instanceof RenderedValue) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return goLiteral(value);
}

function goLiteral(value: unknown): string {
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
    return `[]interface {}{${value.map(goLiteral).join(', ')}}`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.every(([, v]) => typeof v === 'string')) {
      return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
    }
    return `map[string]interface {}{${entries.map(([k, v]) => `${JSON.stringify(k)}:${goLiteral(v)}`).join(', ')}}`;
  }
  return formatBadValue(value);
}

export function fieldErrorBody(e: FieldError): string {
  if ((e.value as unknown) === OMIT) return e.detail ?? '';
  let s: string;
  const noValue =
    e.type === 'FieldValueRequired' ||
    e.type === 'FieldValueForbidden' ||
    e.type === 'FieldValueTooLong' ||
    e.type === 'InternalError';
  if (noValue) s = TYPE_TEXT[e.type];
  else s = `${TYPE_TEXT[e.type]}: ${formatBadValue(e.value)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

export const fieldErr = {
  required: (field: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field, value: '', detail }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, value: '', detail }),
  notSupported: (field: string, value: unknown, valid: string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    value,
    detail: valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
  }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value }),
  tooLong: (field: string, value: unknown, max: number): FieldError => ({ type: 'FieldValueTooLong', field, value, detail: `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({ type: 'FieldValueTooMany', field, value: actual, detail: `must have at most ${max} ${max === 1 ? 'item' : 'items'}` }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueTypeInvalid', field, value, detail }),
  /** An error whose text is already fully formed (e.g. from the structural-schema validator). */
  raw: (field: string, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value: OMIT, detail }),
};

/** 422 Invalid, formatted like apierrors.NewInvalid: `Kind.group "name" is invalid: [a, b]`. */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
  const gk = group ? `${kind}.${group}` : kind;
  const texts: string[] = [];
  for (const e of errors) {
    const t = fieldErrorText(e);
    if (!texts.includes(t)) texts.push(t);
  }
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  // Empty details fields are omitted, as Go's omitempty does (a patch's strict-decoding error has neither).
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (group) d.group = group;
  if (kind) d.kind = kind;
  d.causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return new ApiError(422, 'Invalid', `${gk} "${name}" is invalid: ${joined}`, d);
}
