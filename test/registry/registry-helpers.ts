// What the registry tests share: images made the way a user makes them (run + commit on the
// seeded busybox), skopeo as the independent client, and blobs and manifests put on a registry
// by hand over HTTP (to build indexes strata must choose from).

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { strataOk } from '../helpers/cli.js';

export const sha256 = (b: Uint8Array | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

/** busybox plus one layer holding `bytes` random bytes at /data (and `marker` at /marker). */
export function layeredImage(root: string, name: string, bytes: number, marker: string): string {
  strataOk(['run', '--name', `make-${marker}`, 'busybox', 'sh', '-c', `head -c ${bytes} /dev/urandom > /data && echo ${marker} > /marker`], { root });
  strataOk(['commit', `make-${marker}`, name], { root });
  strataOk(['rm', `make-${marker}`], { root });
  return imageId(root, name);
}

export function imageId(root: string, ref: string): string {
  return JSON.parse(strataOk(['inspect', ref], { root }).text)[0].Id as string;
}

export function diffIds(root: string, ref: string): string[] {
  return JSON.parse(strataOk(['inspect', ref], { root }).text)[0].RootFS.Layers as string[];
}

export function skopeo(args: readonly string[]): string {
  const r = spawnSync('skopeo', args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`skopeo ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A blob put on a plain-HTTP registry: POST, then PUT ?digest= (monolithic). */
export async function putBlob(host: string, repo: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(bytes);
  const post = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (post.status !== 202) throw new Error(`POST upload: ${post.status}`);
  const url = new URL(post.headers.get('location')!, `http://${host}/`);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`PUT blob: ${put.status} ${await put.text()}`);
  return { digest, size: bytes.length };
}

export async function putManifest(host: string, repo: string, ref: string, doc: unknown, mediaType: string): Promise<{ digest: string; size: number; bytes: Buffer }> {
  const bytes = Buffer.from(JSON.stringify(doc));
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': mediaType } });
  if (res.status !== 201) throw new Error(`PUT manifest: ${res.status} ${await res.text()}`);
  return { digest: sha256(bytes), size: bytes.length, bytes };
}

export async function getManifest(host: string, repo: string, ref: string): Promise<{ bytes: Buffer; doc: Record<string, any> }> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
  if (res.status !== 200) throw new Error(`GET manifest: ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { bytes, doc: JSON.parse(bytes.toString('utf8')) };
}

export async function getBlob(host: string, repo: string, digest: string): Promise<Buffer> {
  const res = await fetch(`http://${host}/v2/${repo}/blobs/${digest}`);
  if (res.status !== 200) throw new Error(`GET blob: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}
