import { createHash } from 'node:crypto';
import { compareStrings } from '../core/object.js';
import type { K8sObject } from '../core/object.js';
import { KubeApiError, type KubeClient } from '../kube/types.js';
import type { ReleaseExports } from '../render/types.js';
import {
  decodeRecord,
  encodeRecord,
  OWNER,
  OWNER_LABEL,
  parentSecretName,
  recordSecret,
  revisionSecretName,
  type ReleaseRecord,
  type ReleaseStatus,
} from './record.js';

/** A Secret's data may total 1 MiB; records of the operators layer (CRDs) can exceed one. */
const CHUNK = 700 * 1024;
const FIELD_MANAGER = 'inferctl';
const RECORD_LABEL = 'inferctl.io/record';
/** Data key of the current Secret with `{chart, exports}` as plain JSON. */
const EXPORTS_KEY = 'exports';
const DESCRIPTION = 'inferctl.io/description';
const UPDATED = 'inferctl.io/updated';
const APP_VERSION = 'inferctl.io/app-version';
export const DEFAULT_HISTORY_MAX = 10;

const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A release as `list` shows it, read from the current Secret alone (no record is decoded). */
export interface ReleaseSummary {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  appVersion: string;
  updated: string;
}

/** A revision that could not be read (a part missing, a checksum that does not match). */
export interface DamagedRevision {
  name: string;
  namespace: string;
  revision: number;
  reason: string;
}

class DamagedRecord extends Error {}

/**
 * Release records in Secrets of the release namespace (Helm's storage driver, over KubeClient),
 * written so that no crash can tear them:
 *
 * - revision N is the Secret `inferctl.release.<name>.v<N>` (the gzip+base64 JSON record with its
 *   sha256; a record too big for one Secret goes into parts `...v<N>.part-<i>`, named after the
 *   revision so no write ever touches another revision's parts);
 * - the current Secret `inferctl.release.<name>` (the kubectl ApplySet parent) is a pointer: the
 *   current revision's number and checksum, its status, and what other releases read (exports);
 *   it is written last, in one request, once the revision is complete.
 *
 * A revision's status lives in its labels, so marking one superseded or failed never rewrites its
 * record. Revisions that cannot be read are skipped and reported (`damaged`), never fatal.
 */
export class ReleaseStore {
  /** Revisions found unreadable since the store was created, for the CLI to report. */
  readonly damaged: DamagedRevision[] = [];

  constructor(
    private readonly kube: KubeClient,
    private readonly tooling: string,
  ) {}

  /**
   * The current revision. When the one the pointer names cannot be read, the newest readable
   * revision stands in (and the damage is recorded), so every verb keeps working.
   */
  async current(name: string, namespace: string): Promise<ReleaseRecord | undefined> {
    const parent = await this.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: parentSecretName(name) });
    if (!parent) return undefined;
    const data = (parent.data ?? {}) as Record<string, string>;
    if (data.release || data.parts) {
      // A record from before pointers: the parent holds a full copy.
      try {
        return await this.decode(parent, false);
      } catch (err) {
        this.noteDamage(name, namespace, Number(parent.metadata.labels?.version ?? 0), err);
        return (await this.history(name, namespace)).pop();
      }
    }
    const revision = Number(unb64(data.revision));
    const record = await this.revision(name, namespace, revision);
    if (record) return record;
    return (await this.history(name, namespace)).filter((r) => r.revision !== revision).pop();
  }

  async revision(name: string, namespace: string, revision: number): Promise<ReleaseRecord | undefined> {
    const secret = await this.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: revisionSecretName(name, revision) });
    if (!secret) return undefined;
    try {
      return await this.decode(secret, true);
    } catch (err) {
      this.noteDamage(name, namespace, revision, err);
      return undefined;
    }
  }

  /** Every readable revision, oldest first; unreadable ones are skipped and reported in `damaged`. */
  async history(name: string, namespace: string): Promise<ReleaseRecord[]> {
    const secrets = await this.kube.list({ apiVersion: 'v1', kind: 'Secret', namespace, labelSelector: `${OWNER_LABEL}=${OWNER},name=${name},${RECORD_LABEL}=revision` });
    const records: ReleaseRecord[] = [];
    for (const s of secrets) {
      try {
        records.push(await this.decode(s, true));
      } catch (err) {
        this.noteDamage(name, namespace, Number(s.metadata.labels?.version ?? 0), err);
      }
    }
    return records.sort((a, b) => a.revision - b.revision);
  }

  /**
   * What every current release publishes (chart, status, exports), in a namespace or in all of them,
   * without decoding the records. Records written before that are decoded (and skipped if torn).
   */
  async exports(namespace?: string): Promise<ReleaseExports[]> {
    const out: ReleaseExports[] = [];
    for (const secret of await this.parents(namespace)) {
      const published = (secret.data as Record<string, string> | undefined)?.[EXPORTS_KEY];
      const labels = secret.metadata.labels ?? {};
      if (published) {
        const { chart, exports } = JSON.parse(unb64(published)) as { chart: string; exports: Record<string, string> };
        out.push({ release: labels.name, namespace: secret.metadata.namespace!, chart, status: labels.status, exports });
        continue;
      }
      try {
        const r = await this.decode(secret, false);
        out.push({ release: r.name, namespace: r.namespace, chart: r.chart.name, status: r.status, exports: r.exports });
      } catch (err) {
        this.noteDamage(labels.name, secret.metadata.namespace!, Number(labels.version ?? 0), err);
      }
    }
    return out;
  }

  /** Every release of a namespace, or of all namespaces, from the current Secrets alone. */
  async list(namespace?: string): Promise<ReleaseSummary[]> {
    const out: ReleaseSummary[] = [];
    for (const secret of await this.parents(namespace)) {
      const labels = secret.metadata.labels ?? {};
      const annotations = secret.metadata.annotations ?? {};
      const data = (secret.data ?? {}) as Record<string, string>;
      if (data.release || data.parts) {
        try {
          const r = await this.decode(secret, false);
          out.push({ name: r.name, namespace: r.namespace, revision: r.revision, status: r.status, chart: `${r.chart.name}-${r.chart.version}`, appVersion: r.chart.appVersion, updated: r.lastDeployed });
        } catch (err) {
          this.noteDamage(labels.name, secret.metadata.namespace!, Number(labels.version ?? 0), err);
        }
        continue;
      }
      out.push({
        name: labels.name,
        namespace: secret.metadata.namespace!,
        revision: Number(labels.version ?? 0),
        status: labels.status,
        chart: annotations['inferctl.io/chart'] ?? '',
        appVersion: annotations[APP_VERSION] ?? '',
        updated: annotations[UPDATED] ?? '',
      });
    }
    return out.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  }

  /** Writes revision `record.revision` in full, then points the current Secret at it. */
  async save(record: ReleaseRecord): Promise<void> {
    const name = revisionSecretName(record.name, record.revision);
    const encoded = encodeRecord(record);
    const parts = Math.ceil(encoded.length / CHUNK);
    for (let i = 0; parts > 1 && i < parts; i++) {
      const part: K8sObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'inferctl.io/release.v1.part',
        metadata: { name: `${name}.part-${i}`, namespace: record.namespace, labels: { [OWNER_LABEL]: OWNER, name: record.name, version: String(record.revision), [RECORD_LABEL]: 'part' } },
        data: { part: b64(encoded.slice(i * CHUNK, (i + 1) * CHUNK)) },
      };
      await this.kube.apply(part, { fieldManager: FIELD_MANAGER, force: true });
    }
    const revision = this.withMeta(recordSecret(record, name, false, this.tooling), record);
    revision.data = { sha256: b64(sha256(encoded)), ...(parts > 1 ? { parts: b64(String(parts)) } : { release: b64(encoded) }) };
    await this.kube.apply(revision, { fieldManager: FIELD_MANAGER, force: true });
    await this.point(record, sha256(encoded));
  }

  /**
   * Changes a revision's status (and description) without rewriting its record; when it is the
   * current one, the pointer follows.
   */
  async setStatus(record: ReleaseRecord, status: ReleaseStatus, description = record.description): Promise<ReleaseRecord> {
    const updated = { ...record, status, description };
    const labels = { status };
    const annotations = { [DESCRIPTION]: description, [UPDATED]: record.lastDeployed };
    await this.kube.patch({ apiVersion: 'v1', kind: 'Secret', namespace: record.namespace, name: revisionSecretName(record.name, record.revision) }, { metadata: { labels, annotations } }, 'merge', { fieldManager: FIELD_MANAGER });
    const parent = await this.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: record.namespace, name: parentSecretName(record.name) });
    if (parent && Number(parent.metadata.labels?.version) === record.revision) {
      await this.kube.patch({ apiVersion: 'v1', kind: 'Secret', namespace: record.namespace, name: parentSecretName(record.name) }, { metadata: { labels, annotations } }, 'merge', { fieldManager: FIELD_MANAGER });
    }
    return updated;
  }

  /** Keeps the newest `max` revisions (never the current one) and deletes the rest with their parts. */
  async pruneHistory(name: string, namespace: string, max: number, keep: number): Promise<number[]> {
    const secrets = await this.kube.list({ apiVersion: 'v1', kind: 'Secret', namespace, labelSelector: `${OWNER_LABEL}=${OWNER},name=${name},${RECORD_LABEL} in (revision,part)` });
    const revisions = [...new Set(secrets.filter((s) => s.metadata.labels?.[RECORD_LABEL] === 'revision').map((s) => Number(s.metadata.labels?.version)))].sort((a, b) => b - a);
    const drop = revisions.slice(Math.max(max, 1)).filter((r) => r !== keep);
    for (const s of secrets) {
      const v = Number(s.metadata.labels?.version ?? -1);
      if (drop.includes(v)) await this.kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: s.metadata.name });
    }
    return drop.sort((a, b) => a - b);
  }

  async deleteAll(name: string, namespace: string): Promise<void> {
    const secrets = await this.kube.list({ apiVersion: 'v1', kind: 'Secret', namespace, labelSelector: `${OWNER_LABEL}=${OWNER},name=${name}` });
    // The pointer last: until it goes, the release is still found and the deletion can be re-run.
    const pointer = parentSecretName(name);
    for (const s of secrets.filter((x) => x.metadata.name !== pointer)) await this.kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: s.metadata.name });
    await this.kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: pointer });
  }

  private parents(namespace?: string): Promise<K8sObject[]> {
    return this.kube.list({ apiVersion: 'v1', kind: 'Secret', namespace, labelSelector: `${OWNER_LABEL}=${OWNER},${RECORD_LABEL}=current` });
  }

  private async point(record: ReleaseRecord, digest: string): Promise<void> {
    const parent = this.withMeta(recordSecret(record, parentSecretName(record.name), true, this.tooling), record);
    // Other releases read these on every render; the operators record alone is ~900 KB of CRDs.
    parent.data = { revision: b64(String(record.revision)), sha256: b64(digest), [EXPORTS_KEY]: b64(JSON.stringify({ chart: record.chart.name, exports: record.exports })) };
    await this.kube.apply(parent, { fieldManager: FIELD_MANAGER, force: true });
  }

  private withMeta(secret: K8sObject, record: ReleaseRecord): K8sObject {
    secret.metadata.annotations = { ...(secret.metadata.annotations ?? {}), [DESCRIPTION]: record.description, [UPDATED]: record.lastDeployed, [APP_VERSION]: record.chart.appVersion };
    return secret;
  }

  /** A record Secret's record, its parts joined and its checksum verified; status from its labels. */
  private async decode(secret: K8sObject, isRevision: boolean): Promise<ReleaseRecord> {
    const data = (secret.data ?? {}) as Record<string, string>;
    let encoded = data.release ? unb64(data.release) : '';
    if (!data.release) {
      const parts = Number(unb64(data.parts));
      if (!parts) throw new DamagedRecord(`${secret.metadata.name} holds no record`);
      for (let i = 0; i < parts; i++) {
        const part = await this.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: secret.metadata.namespace, name: `${secret.metadata.name}.part-${i}` });
        if (!part) throw new DamagedRecord(`part ${i + 1} of ${parts} (${secret.metadata.name}.part-${i}) is missing`);
        encoded += unb64((part.data as Record<string, string>).part);
      }
    }
    if (data.sha256 && sha256(encoded) !== unb64(data.sha256)) throw new DamagedRecord(`its checksum does not match (a write was cut short)`);
    let record: ReleaseRecord;
    try {
      record = decodeRecord(encoded);
    } catch (err) {
      throw new DamagedRecord(`it does not decode (${(err as Error).message})`);
    }
    if (!isRevision) return record;
    const labels = secret.metadata.labels ?? {};
    const annotations = secret.metadata.annotations ?? {};
    return { ...record, status: (labels.status as ReleaseStatus | undefined) ?? record.status, description: annotations[DESCRIPTION] ?? record.description };
  }

  private noteDamage(name: string, namespace: string, revision: number, err: unknown): void {
    if (err instanceof KubeApiError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    if (!this.damaged.some((d) => d.name === name && d.namespace === namespace && d.revision === revision)) this.damaged.push({ name, namespace, revision, reason });
  }
}
