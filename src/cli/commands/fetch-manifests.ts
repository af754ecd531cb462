import { UserError } from '../../core/errors.js';
import { defaultCacheDir, fetchManifests, loadLock, lockPath, type ManifestLock } from '../../charts/inference-operators/manifests.js';
import { flagList, flagString, type CommandSpec } from '../args.js';

function humanSize(bytes: number): string {
  return bytes < 1048576 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1048576).toFixed(1)} MiB`;
}

export const fetchManifestsCommand: CommandSpec = {
  path: ['fetch-manifests'],
  summary: 'Download the upstream release manifests the inference-operators chart renders into the local cache, verified by sha256.',
  positionals: [],
  flags: [
    { name: 'cache-dir', type: 'string', valueName: 'DIR', description: 'Cache to fill (default $XDG_CACHE_HOME/inferctl/manifests, else ~/.cache/inferctl/manifests)' },
    { name: 'project', type: 'list', valueName: 'NAME', description: 'Only this project of the lock (cnpg, kserve, ...)' },
  ],
  examples: [
    'inferctl fetch-manifests',
    'inferctl fetch-manifests --project kserve --project cert-manager',
    'inferctl fetch-manifests --cache-dir ./manifests && inferctl template operators ./charts/inference-operators --manifests-dir ./manifests',
  ],
  async run(args) {
    const cacheDir = flagString(args, 'cache-dir') ?? defaultCacheDir();
    const lock = loadLock();
    const projects = flagList(args, 'project');
    const unknown = projects.filter((p) => !lock.manifests.some((e) => e.project === p));
    if (unknown.length) {
      const known = [...new Set(lock.manifests.map((e) => e.project))].join(', ');
      throw new UserError(`unknown project ${unknown.join(', ')} for --project; the lock (${lockPath()}) lists: ${known}.`);
    }
    const selected: ManifestLock = projects.length ? { ...lock, manifests: lock.manifests.filter((e) => projects.includes(e.project)) } : lock;
    const results = await fetchManifests(selected, cacheDir);
    for (const r of results) {
      const name = `${r.entry.project}/${r.entry.file}`;
      if (r.status === 'failed') process.stderr.write(`failed      ${name}: ${r.message}\n`);
      else process.stderr.write(`${r.status.padEnd(12)}${name} (${humanSize(r.entry.size)}, sha256 ${r.entry.sha256.slice(0, 12)}… verified)\n`);
    }
    const failed = results.filter((r) => r.status === 'failed');
    if (failed.length) {
      throw new UserError(
        `${failed.length} of ${results.length} manifests could not be fetched into ${cacheDir} (see above); nothing unverified was written. ` +
          `Copy verified files into a directory laid out as <project>/<file> and pass it with --manifests-dir, or retry when the network is reachable.`,
      );
    }
    process.stderr.write(`${results.length} manifests ready in ${cacheDir}\n`);
    return 0;
  },
};
