import { isPlainObject } from '../../core/object.js';
import { UserError } from '../../core/errors.js';
import { formatPath, type KeyPath } from '../../schema/validate.js';
import type { InfraConfig } from './config.js';

/**
 * LiteLLM's config.yaml is a ConfigMap, printed by `template` and `diff`: a credential written into
 * the model list or the settings would be stored and shown in plain text. Credentials must be
 * `os.environ/NAME` references, with NAME set from a Secret (litellm-proxy.credentials).
 */

/** The prefix LiteLLM resolves from the environment when it reads config.yaml. */
export const ENV_REF = 'os.environ/';

/**
 * Credential fields of LiteLLM's litellm_params (CredentialLiteLLMParams and provider params) and
 * settings, by name: keys, secrets, passwords, tokens and service-account JSON.
 */
const CREDENTIAL_NAMES = new Set([
  'api_key',
  'azure_ad_token',
  'azure_password',
  'client_secret',
  'vertex_credentials',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_web_identity_token',
  'master_key',
  'database_url',
  'password',
  'sentinel_password',
]);
/** Any other *_api_key, *_secret, *_secret_key, *_password, *_credentials, *_token of a kind that is a secret. */
const CREDENTIAL_PATTERN = /(^|_)(api_key|secret|secret_key|secret_access_key|password|credentials|(access|auth|bearer|refresh|session|identity|id|ad)_token)$/;

/**
 * Values that say "no credential" to an unauthenticated OpenAI-compatible server (vLLM, llama.cpp,
 * Ollama): LiteLLM's own docs write `api_key: none`. Compared case-insensitively.
 */
export const NO_CREDENTIAL_PLACEHOLDERS = ['', 'none', 'empty', 'dummy', 'no-key', 'not-needed'];

export function isCredentialKey(key: string): boolean {
  return CREDENTIAL_NAMES.has(key) || CREDENTIAL_PATTERN.test(key);
}

function isAllowed(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value !== 'string') return false;
  return value.startsWith(ENV_REF) || NO_CREDENTIAL_PLACEHOLDERS.includes(value.trim().toLowerCase());
}

interface Finding {
  path: KeyPath;
  key: string;
  /** For the suggested variable name: the model's provider prefix, when the value sits in a model entry. */
  provider?: string;
}

function walk(node: unknown, path: KeyPath, provider: string | undefined, out: Finding[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, [...path, i], provider, out));
    return;
  }
  if (!isPlainObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (isCredentialKey(key) && !isAllowed(value)) out.push({ path: [...path, key], key, provider });
    else walk(value, [...path, key], provider, out);
  }
}

function suggestedEnv(f: Finding): string {
  const field = f.key.toUpperCase();
  if (/^(aws|azure|vertex)_/.test(f.key) || !f.provider) return field;
  return `${f.provider.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${field}`;
}

/** Every literal credential under the LiteLLM settings the chart writes into config.yaml. */
export function literalCredentials(config: InfraConfig): Finding[] {
  const l = config.values['litellm-proxy'].litellm;
  const base: KeyPath = ['litellm-proxy', 'litellm'];
  const out: Finding[] = [];
  if (Array.isArray(l.modelList)) {
    l.modelList.forEach((entry, i) => {
      const params = isPlainObject(entry) ? entry.litellm_params : undefined;
      const model = isPlainObject(params) && typeof params.model === 'string' ? params.model : '';
      const provider = model.includes('/') ? model.split('/')[0] : undefined;
      walk(entry, [...base, 'modelList', i], provider, out);
    });
  }
  for (const key of ['generalSettings', 'litellmSettings', 'routerSettings'] as const) walk(l[key], [...base, key], undefined, out);
  return out;
}

/** Refuses the first literal credential, naming its key path and where it came from; the value is never printed. */
export function checkCredentials(config: InfraConfig): void {
  if (!config.values['litellm-proxy'].enabled) return;
  const found = literalCredentials(config);
  if (!found.length) return;
  const f = found[0];
  const env = suggestedEnv(f);
  // A --set source quotes the flag with its value: keep the flag and the key, hide the value.
  const src = config.sourceOf(f.path)?.replace(/^(--[\w-]+ [^=]*)=[\s\S]*$/, '$1=<hidden>');
  const more = found.length > 1 ? ` ${found.length - 1} more: ${found.slice(1).map((x) => formatPath(x.path)).join(', ')}.` : '';
  throw new UserError(
    `key ${formatPath(f.path)}${src ? ` (from ${src})` : ''}: a credential written here would be stored in plain text in ConfigMap ${config.names.litellmConfig} and printed by template and diff, so only an ${ENV_REF}NAME reference is accepted. ` +
      `Put the value in a Secret (kubectl create secret generic llm-credentials --from-literal=${env.toLowerCase().replace(/_/g, '-')}=...) and write ${f.key}: ${ENV_REF}${env} with litellm-proxy.credentials: [{env: ${env}, secretName: llm-credentials, secretKey: ${env.toLowerCase().replace(/_/g, '-')}}] (or an extraEnv entry with valueFrom.secretKeyRef). ` +
      `A backend without authentication takes a placeholder: ${f.key}: none.${more}`,
  );
}
