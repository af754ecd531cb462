import { UserError } from '../../core/errors.js';
import { defaultCacheDir, fetchManifests, loadLock, lockPath, type ManifestLock } from '../../charts/inference-operators/manifests.js';
import { flagList, flagString, type CommandSpec } from '../args.js';

function humanSize(bytes: number): string {
  return bytes < 1048576 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;
}

export const fetchManifestsCommand: CommandSpec = {
  path: ['fetch-manifests'],
  summary: 'Download the official upstream release assets and compare them with the pinned copies inferctl ships (install never needs this).',
  positionals: [],
  flags: [
    { name: 'dir', type: 'string', valueName: 'DIR', description: 'Where to save the downloads (default $XDG_CACHE_HOME/inferctl/manifests, else ~/.cache/inferctl/manifests)' },
    { name: 'project', type: 'list', valueName: 'NAME', description: 'Only this project of the lock (cnpg, kserve, ...)' },
  ],
  examples: [
    'inferctl fetch-manifests',
    'inferctl fetch-manifests --project cnpg --dir ./manifests',
  ],
  async run(args) {
    const dir = flagString(args, 'dir') ?? defaultCacheDir();
    const lock = loadLock();
    const projects = flagList(args, 'project');
    const unknown = projects.filter((p) => !lock.manifests.some((e) => e.project === p));
    if (unknown.length) {
      const known = [...new Set(lock.manifests.map((e) => e.project))].join(', ');
      throw new UserError(`unknown project ${unknown.join(', ')} for --project; the lock (${lockPath()}) lists: ${known}.`);
    }
    const selected: ManifestLock = projects.length ? { ...lock, manifests: lock.manifests.filter((e) => projects.includes(e.project)) } : lock;
    const results = await fetchManifests(selected, dir);
    for (const r of results) {
      const name = `${r.entry.project}/${r.entry.file}`;
      const line = r.status === 'present' || r.status === 'match' ? `${name} (${humanSize(r.entry.size)}, sha256 ${r.entry.sha256.slice(0, 12)}… equals the pinned copy)` : `${name}: ${r.message}`;
      process.stderr.write(`${r.status.padEnd(9)} ${line}\n`);
    }
    const failed = results.filter((r) => r.status === 'failed');
    const tampered = results.filter((r) => r.status === 'differs' && r.entry.origin === 'upstream-copy');
    process.stderr.write(`Install and template are unaffected: they always render the pinned copies shipped with inferctl (or --manifests-dir).\n`);
    if (tampered.length || failed.length) {
      const parts = [
        ...(tampered.length ? [`${tampered.map((r) => `${r.entry.project}/${r.entry.file}`).join(', ')} should be byte copies of the official asset but differ: compare ${tampered[0].path} with the pinned copy before trusting either, and report it`] : []),
        ...(failed.length ? [`${failed.length} download(s) failed (see above); retry when the network is reachable`] : []),
      ];
      throw new UserError(`${parts.join('; ')}.`);
    }
    return 0;
  },
};
