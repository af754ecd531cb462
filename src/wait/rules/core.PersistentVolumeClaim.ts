import { answer } from '../related.js';
import { annotation, defineRule, failed, field, progressing, ready, str } from '../util.js';

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

/**
 * Bound is ready. A Pending claim whose StorageClass binds on first consumer stays Pending until a Pod
 * uses it, so waiting for Bound before creating that Pod would deadlock: it counts as ready. The class
 * is the named one, or the cluster default when storageClassName is absent (not when it is "").
 */
export const pvcRule = defineRule({
  group: '',
  kind: 'PersistentVolumeClaim',
  related(pvc) {
    const name = field(pvc, 'spec.storageClassName');
    if (name === '') return [];
    return [{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', ...(typeof name === 'string' ? { name } : {}) }];
  },
  judge(pvc, related) {
    const phase = str(pvc, 'status.phase');
    if (phase === 'Bound') return ready(`bound to ${str(pvc, 'spec.volumeName', 'a volume')}`);
    if (phase === 'Lost') return failed('Lost: its PersistentVolume no longer exists');
    const named = field(pvc, 'spec.storageClassName');
    const classes = answer(related, 0);
    const sc =
      typeof named === 'string'
        ? classes.find((c) => c.metadata.name === named)
        : classes.find((c) => annotation(c, DEFAULT_CLASS) === 'true');
    if (sc && field(sc, 'volumeBindingMode') === 'WaitForFirstConsumer') {
      return ready(`Pending until a Pod uses it (StorageClass ${sc.metadata.name} binds on first consumer)`);
    }
    if (typeof named === 'string' && !sc) {
      return progressing(`${phase || 'Pending'}: waiting for a matching PersistentVolume (no StorageClass ${named} exists to provision one)`);
    }
    return progressing(`${phase || 'Pending'}: waiting for a volume to be provisioned or bound`);
  },
});
