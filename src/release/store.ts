import { compareStrings } from '../core/object.js';
import type { K8sObject } from '../core/object.js';
import type { KubeClient } from '../kube/types.js';
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
} from './record.js';

/** A Secret's data may total 1 MiB; records of the operators layer (CRDs) can exceed one. */
const CHUNK = 700 * 1024;
const FIELD_MANAGER = 'inferctl';
/** Data key of the current Secret with `{chart, exports}` as plain JSON. */
const EXPORTS_KEY = 'exports';

/** Release records in Secrets of the release namespace (Helm's storage driver, over KubeClient). */
export class ReleaseStore {
  constructor(
    private readonly kube: KubeClient,
    private readonly tooling: string,
  ) {}

  async current(name: string, namespace: string): Promise<ReleaseRecord | undefined> {
    const secret = await this.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: parentSecretName(name) });
    return secret ? this.read(secret) : undefined;
  }

  async revision(name: string, namespace: string, revision: number): Promise<ReleaseRecord | undefined> {
    const secret = await this.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace, name: revisionSecretName(name, revision) });
    return secret ? this.read(secret) : undefined;
  }

  /** Every revision, oldest first. */
  async history(name: string, namespace: string): Promise<ReleaseRecord[]> {
    const secrets = await this.kube.list({ apiVersion: 'v1', kind: 'Secret', namespace, labelSelector: `${OWNER_LABEL}=${OWNER},name=${name},inferctl.io/record=revision` });
    const records = await Promise.all(secrets.map((s) => this.read(s)));
    return records.sort((a, b) => a.revision - b.revision);
  }

  /**
   * What every current release publishes (chart, status, exports), in a namespace or in all of them,
   * without decoding the records: the current Secret carries its exports uncompressed. Records
   * written before that are decoded.
   */
  async exports(namespace?: string): Promise<ReleaseExports[]> {
    const secrets = await this.kube.list({ apiVersion: 'v1', kind: 'Secret', namespace, labelSelector: `${OWNER_LABEL}=${OWNER},inferctl.io/record=current` });
    return Promise.all(
      secrets.map(async (secret): Promise<ReleaseExports> => {
        const published = (secret.data as Record<string, string> | undefined)?.[EXPORTS_KEY];
        if (published) {
          const { chart, exports } = JSON.parse(Buffer.from(published, 'base64').toString('utf8')) as { chart: string; exports: Record<string, string> };
          const labels = secret.metadata.labels ?? {};
          return { release: labels.name, namespace: secret.metadata.namespace!, chart, status: labels.status, exports };
        }
        const r = await this.read(secret);
        return { release: r.name, namespace: r.namespace, chart: r.chart.name, status: r.status, exports: r.exports };
      }),
    );
  }

  /** Current records of every release in a namespace, or in all namespaces. */
  async list(namespace?: string): Promise<ReleaseRecord[]> {
    const secrets = await this.kube.list({ apiVersion: 'v1', kind: 'Secret', namespace, labelSelector: `${OWNER_LABEL}=${OWNER},inferctl.io/record=current` });
    const records = await Promise.all(secrets.map((s) => this.read(s)));
    return records.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name));
  }

  /** Writes the revision and makes it current (the ApplySet parent is updated in place). */
  async save(record: ReleaseRecord): Promise<void> {
    await this.write(record, revisionSecretName(record.name, record.revision), false);
    await this.write(record, parentSecretName(record.name), true);
  }

  /** Updates only a stored revision's status (e.g. superseded). */
  async setRevisionStatus(record: ReleaseRecord, status: ReleaseRecord['status']): Promise<void> {
    await this.write({ ...record, status }, revisionSecretName(record.name, record.revision), false);
  }

  async deleteAll(name: string, namespace: string): Promise<void> {
    const secrets = await this.kube.list({ apiVersion: 'v1', kind: 'Secret', namespace, labelSelector: `${OWNER_LABEL}=${OWNER},name=${name}` });
    for (const s of secrets) await this.kube.delete({ apiVersion: 'v1', kind: 'Secret', namespace, name: s.metadata.name });
  }

  private async write(record: ReleaseRecord, name: string, parent: boolean): Promise<void> {
    const secret = recordSecret(record, name, parent, this.tooling);
    const encoded = encodeRecord(record);
    const parts = Math.ceil(encoded.length / CHUNK);
    if (parts > 1) {
      for (let i = 0; i < parts; i++) {
        const part: K8sObject = {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'inferctl.io/release.v1.part',
          metadata: { name: `${name}.part-${i}`, namespace: record.namespace, labels: { [OWNER_LABEL]: OWNER, name: record.name, 'inferctl.io/record': 'part' } },
          data: { part: Buffer.from(encoded.slice(i * CHUNK, (i + 1) * CHUNK)).toString('base64') },
        };
        await this.kube.apply(part, { fieldManager: FIELD_MANAGER, force: true });
      }
    }
    const data: Record<string, string> = parts > 1 ? { parts: Buffer.from(String(parts)).toString('base64') } : { release: Buffer.from(encoded).toString('base64') };
    // Other releases read these on every render; the operators record alone is ~900 KB of CRDs.
    if (parent) data[EXPORTS_KEY] = Buffer.from(JSON.stringify({ chart: record.chart.name, exports: record.exports })).toString('base64');
    secret.data = data;
    await this.kube.apply(secret, { fieldManager: FIELD_MANAGER, force: true });
  }

  private async read(secret: K8sObject): Promise<ReleaseRecord> {
    const data = (secret.data ?? {}) as Record<string, string>;
    if (data.release) return decodeRecord(Buffer.from(data.release, 'base64').toString('utf8'));
    const parts = Number(Buffer.from(data.parts ?? '', 'base64').toString('utf8'));
    let encoded = '';
    for (let i = 0; i < parts; i++) {
      const part = await this.kube.get({ apiVersion: 'v1', kind: 'Secret', namespace: secret.metadata.namespace, name: `${secret.metadata.name}.part-${i}` });
      if (!part) throw new Error(`release record ${secret.metadata.name} is missing part ${i}`);
      encoded += Buffer.from((part.data as Record<string, string>).part, 'base64').toString('utf8');
    }
    return decodeRecord(encoded);
  }
}

