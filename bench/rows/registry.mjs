// Registries: `strata pull` of a 3-layer image of ≈ 200 MB (the Debian minbase rootfs and two
// layers of 15 MB of random bytes, gzip-compressed by skopeo as registries usually hold them) from
// a distribution registry on loopback into an empty store, against `podman pull` of the same
// image into a fresh podman storage (both unpack and store it); and `strata push` of an image whose
// base the registry already has: Debian base + 1 MB layer against busybox base + 1 MB layer (the
// time follows the new layer, not the base). Before every timed push the new layer's and the
// config's blobs are deleted from the repository, so each run sends them again.
// The registry is started by the row (docker-registry, a free port, storage in bench/.work/) and
// stopped when the bench ends.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { q, sh } from '../shell.mjs';

/** A registry on 127.0.0.1, started once per bench run. */
let started;
function registry(f) {
  if (started) return started;
  const dir = join(f.work, 'registry');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = freePort();
  writeFileSync(join(dir, 'config.yml'), [
    'version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`, '',
  ].join('\n'));
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore', detached: true });
  child.unref();
  process.on('exit', () => {
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  });
  sh(`for i in $(seq 100); do curl -sf http://127.0.0.1:${port}/v2/ >/dev/null && exit 0; sleep 0.1; done; exit 1`);
  started = `127.0.0.1:${port}`;
  return started;
}

/** A free TCP port on 127.0.0.1, found by a child (the bench runs synchronously). */
function freePort() {
  const r = spawnSync(process.execPath, ['-e', `const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})`], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

/** A store on the loop mount holding IMAGE = BASE + a layer of `mb` MB of random bytes at /PATH. */
function withLayer(s, base, image, path, mb) {
  return `${s} rm -f mk-${image} >/dev/null 2>&1 || true; ` +
    `${s} run --name mk-${image} ${base} sh -c 'head -c ${mb * 1048576} /dev/urandom > /${path}' && ` +
    `${s} commit mk-${image} ${image} >/dev/null && ${s} rm mk-${image} >/dev/null`;
}

/** Deletes the top layer's and the config's blobs of IMAGE from REPO (prepare: the next push sends them). */
function forget(s, host, repo, image) {
  return `top=$(${s} inspect ${image} | jq -r '.[0].RootFS.Layers[-1]') && cfg=$(${s} inspect ${image} | jq -r '.[0].Id') && ` +
    `curl -sf -X DELETE http://${host}/v2/${repo}/blobs/$top >/dev/null; curl -sf -X DELETE http://${host}/v2/${repo}/blobs/$cfg >/dev/null; true`;
}

export default [
  {
    name: 'pull a 3-layer 200 MB image (gzip) from a loopback registry into an empty store',
    peer: 'podman pull of the same image into a fresh podman storage',
    target: 1.2,
    warmup: 1,
    runs: 5,
    plan: (f) => {
      const host = registry(f);
      const setupStore = join(f.work, 'registry-source-store');
      const s = `${q(f.strata)} --root ${q(setupStore)}`;
      const store = join(f.mnt(), 'pull-store');
      const podRoot = join(f.mnt(), 'pull-podman');
      const archive = join(f.work, 'registry-three.tar');
      return {
        setup: [
          `rm -rf ${q(setupStore)} && ${s} import ${q(f.debianTar())} debian >/dev/null && ` +
            `${withLayer(s, 'debian', 'two', 'a', 15)} && ${withLayer(s, 'two', 'three', 'b', 15)} && ` +
            `${s} save three -o ${q(archive)} && ` +
            `skopeo copy -q --dest-tls-verify=false docker-archive:${q(archive)} docker://${host}/bench/three:1 && rm -f ${q(archive)}`,
        ],
        strata: { prepare: `rm -rf ${q(store)} && sync`, command: `${q(f.strata)} --root ${q(store)} pull ${host}/bench/three:1 >/dev/null` },
        peer: {
          // podman's overlay driver mounts its layer directory on itself: unmounted first, or
          // rm cannot remove it (and the loop mount fills up run after run).
          prepare: `awk -v p=${q(podRoot)} 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l; rm -rf ${q(podRoot)} && sync`,
          command: `podman --root ${q(podRoot)}/root --runroot ${q(podRoot)}/run --storage-driver overlay pull -q --tls-verify=false ${host}/bench/three:1 >/dev/null`,
        },
      };
    },
  },
  {
    name: 'push Debian base + 1 MB layer, the base already in the registry',
    peer: 'strata push of busybox base + 1 MB layer, the base already there',
    target: 1.2,
    warmup: 1,
    runs: 10,
    plan: (f) => {
      const host = registry(f);
      const store = join(f.work, 'registry-push-store');
      const s = `${q(f.strata)} --root ${q(store)}`;
      return {
        setup: [
          `rm -rf ${q(store)} && ${s} import ${q(f.debianTar())} debian >/dev/null && ` +
            `${withLayer(s, 'debian', 'deb1', 'one', 1)} && ${withLayer(s, 'busybox', 'bb1', 'one', 1)} && ` +
            `${s} push debian ${host}/bench/deb:base >/dev/null && ${s} push busybox ${host}/bench/bb:base >/dev/null`,
        ],
        strata: { prepare: forget(s, host, 'bench/deb', 'deb1'), command: `${s} push deb1 ${host}/bench/deb:1 >/dev/null` },
        peer: { prepare: forget(s, host, 'bench/bb', 'bb1'), command: `${s} push bb1 ${host}/bench/bb:1 >/dev/null` },
      };
    },
  },
];
