// Writes an OCI image layout directory holding one image of N tiny layers, for `strata load`:
//   node bench/make-layers.mjs OUT_DIR N
// Layer 0 holds /etc/os-release (and /etc); layer i > 0 adds /layers/NNN. So a lookup of
// /etc/os-release in the top image has to get past every layer above the base: the case where a
// resolver that searches layer by layer is slowest. Layers are plain (uncompressed) ustar, byte for
// byte the same on every run, so the image id is too.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MTIME = 1704067200; // 2024-01-01T00:00:00Z, as layers/busybox
const OS_RELEASE = 'PRETTY_NAME="strata bench image"\nNAME="strata bench"\nID=strata-bench\n';

/** One ustar header block (512 bytes). */
function header(name, { type, mode, size = 0 }) {
  const h = Buffer.alloc(512);
  const field = (offset, length, value) => h.write(value, offset, length, 'latin1');
  const octal = (offset, length, n) => field(offset, length, `${n.toString(8).padStart(length - 1, '0')}\0`);
  if (Buffer.byteLength(name) > 100) throw new Error(`name too long for ustar: ${name}`);
  field(0, 100, name);
  octal(100, 8, mode);
  octal(108, 8, 0); // uid
  octal(116, 8, 0); // gid
  octal(124, 12, size);
  octal(136, 12, MTIME);
  field(148, 8, ' '.repeat(8)); // checksum placeholder: spaces while summing
  field(156, 1, type);
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const byte of h) sum += byte;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** A tar of directories (names ending in "/") and files ({ name: contents }). */
function tar(entries) {
  const blocks = [];
  for (const [name, contents] of entries) {
    if (contents === null) {
      blocks.push(header(name, { type: '5', mode: 0o755 }));
      continue;
    }
    const data = Buffer.from(contents);
    blocks.push(header(name, { type: '0', mode: 0o644, size: data.length }), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

export function writeLayout(out, count) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'blobs', 'sha256'), { recursive: true });
  const blob = (data) => {
    const digest = sha256(data);
    writeFileSync(join(out, 'blobs', 'sha256', digest), data);
    return { digest: `sha256:${digest}`, size: data.length };
  };
  const layers = [];
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(3, '0');
    const entries = i === 0
      ? [['etc/', null], ['etc/os-release', OS_RELEASE]]
      : [['layers/', null], [`layers/${n}`, `layer ${n}\n`]];
    layers.push(blob(tar(entries)));
  }
  const created = new Date(MTIME * 1000).toISOString();
  const config = blob(Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    created,
    config: { Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    history: layers.map((_, i) => ({ created, created_by: `bench/make-layers.mjs: layer ${i} of ${count}` })),
  })));
  const manifest = blob(Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l })),
  })));
  writeFileSync(join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(out, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifest,
      annotations: { 'org.opencontainers.image.ref.name': 'latest' },
    }],
  }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [out, countText] = process.argv.slice(2);
  const count = Number(countText);
  if (!out || !Number.isInteger(count) || count < 1 || count > 999) {
    console.error('usage: node bench/make-layers.mjs OUT_DIR N   (1 <= N <= 999)');
    process.exit(2);
  }
  writeLayout(out, count);
}
