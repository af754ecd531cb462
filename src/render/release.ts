import { UserError } from '../core/errors.js';

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const RELEASE_PLACEHOLDER = '{{ .Release.Name }}';
export const NAMESPACE_PLACEHOLDER = '{{ .Release.Namespace }}';

/**
 * Release names become prefixes of Service names (DNS-1035 labels, at most 63 characters), so
 * they are DNS labels; `maxLength` is what the chart's longest derived Service name allows.
 */
export function assertReleaseName(release: string, maxLength = 53): void {
  if (!RELEASE_NAME.test(release) || release.length > maxLength) {
    throw new UserError(
      `invalid release name ${JSON.stringify(release)}: a release name must be at most ${maxLength} characters of lowercase letters, digits and "-", starting and ending with a letter or digit, because it prefixes every object name (e.g. ${release.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, maxLength) || 'infra'}-litellm-proxy). Choose another name.`,
    );
  }
}

export function assertNamespaceName(namespace: string): void {
  if (!RELEASE_NAME.test(namespace) || namespace.length > 63) {
    throw new UserError(
      `invalid namespace ${JSON.stringify(namespace)}: a namespace is at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit. Pass a valid name with -n.`,
    );
  }
}

/** Expands `{{ .Release.Name }}` and `{{ .Release.Namespace }}` in a value; nothing else is templated. */
export function expandRelease(value: string, release: string, namespace: string): string {
  return value.split(RELEASE_PLACEHOLDER).join(release).split(NAMESPACE_PLACEHOLDER).join(namespace);
}
