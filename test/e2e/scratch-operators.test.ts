import { test } from 'node:test';
import { installOrUpgrade } from '../../src/actions/install.js';
import { makeContext } from '../../src/actions/context.js';
import { resolveChart } from '../../src/charts/index.js';
import { emptyValueOptions } from '../../src/render/pipeline.js';
import { ClientNodeKube, loadKubeConfig } from '../../src/kube/client-node.js';
import { startSimulator } from '../../src/sim/index.js';
import { PlainProgress } from '../../src/apply/progress.js';
import { UPSTREAM_INSTALL } from '../charts/operators-helpers.js';
import { operatorEmulations } from './operator-emulation.js';

test('scratch', { timeout: 120_000 }, async () => {
  const sim = await startSimulator({ speed: 20, extraControllers: operatorEmulations() });
  const kube = new ClientNodeKube(loadKubeConfig({ kubeconfig: sim.kubeconfigPath }));
  const ctx = makeContext(kube, new PlainProgress((l) => console.log(l)));
  const t = Date.now();
  try {
    await installOrUpgrade(ctx, { name: 'operators', namespace: 'inferctl-system', chart: resolveChart('inference-operators'), valueOptions: emptyValueOptions(), manifestsDir: UPSTREAM_INSTALL, createNamespace: true, force: false, dryRun: false, rollbackOnFailure: false, wait: { wait: true, timeoutMs: 30_000, pollMs: 25, failGraceMs: 300 } }, 'install');
  } catch (e) { console.log('FAILED', (e as Error).message); }
  console.log('took', Date.now() - t);
  await sim.stop();
});
