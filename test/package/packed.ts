import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/validate/paths.js';

export interface PackedApp {
  /** The user's directory: package.json, package-lock.json, node_modules. */
  dir: string;
  /** node_modules/inferctl */
  packageDir: string;
  /** Paths inside the tarball ("package/..."). */
  files: string[];
  packedBytes: number;
  unpackedBytes: number;
  inferctl(args: string[], env?: NodeJS.ProcessEnv): SpawnSyncReturns<string>;
}

interface ShrinkwrapEntry {
  version?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  license?: string;
}

function sh(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}

/**
 * npm pack of the built repository, installed into `dir` as a user would. The user's lockfile is the
 * package's npm-shrinkwrap.json with the package itself added, so `npm ci --offline` installs the
 * exact runtime tree from npm's cache: no registry request, no devDependencies.
 */
export function installPackedApp(dir: string): PackedApp {
  const packed = JSON.parse(sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], repoRoot()).stdout)[0] as { filename: string; size: number; unpackedSize: number; files: { path: string }[] };
  const tarball = join(dir, packed.filename);
  const shrinkwrap = JSON.parse(readFileSync(join(repoRoot(), 'npm-shrinkwrap.json'), 'utf8')) as { packages: Record<string, ShrinkwrapEntry> };
  const root = shrinkwrap.packages[''];
  const spec = `file:${packed.filename}`;
  const packages: Record<string, unknown> = {
    '': { name: 'user-app', version: '1.0.0', dependencies: { inferctl: spec } },
    'node_modules/inferctl': {
      version: root.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      license: root.license,
      dependencies: root.dependencies,
      bin: root.bin,
      engines: root.engines,
    },
  };
  for (const [path, entry] of Object.entries(shrinkwrap.packages)) if (path && !entry.dev) packages[path] = entry;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true, dependencies: { inferctl: spec } }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2));
  sh('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], dir);
  const bin = join(dir, 'node_modules', '.bin', 'inferctl');
  return {
    dir,
    packageDir: join(dir, 'node_modules', 'inferctl'),
    files: packed.files.map((f) => `package/${f.path}`),
    packedBytes: packed.size,
    unpackedBytes: packed.unpackedSize,
    inferctl: (args, env = {}) => spawnSync(bin, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }),
  };
}

export function directorySize(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + directorySize(join(path, name)), 0);
}
