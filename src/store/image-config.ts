// The OCI image configuration (image-spec config.md) — the whole image record. strata stores the
// exact bytes it was given or produced; the image id is the sha256 of those bytes, as in Docker.

export interface ContainerConfig {
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  StopSignal?: string;
  Shell?: string[];
  /** HEALTHCHECK, as Docker records it (durations in nanoseconds). */
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
  /** ONBUILD triggers, recorded as written. */
  OnBuild?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
}

/** The OCI architecture name of this machine. */
export function hostArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}

/** Pairs each non-empty history entry with its layer (history may also hold empty_layer steps). */
export function layerHistory(config: ImageConfig): (HistoryEntry | undefined)[] {
  const layers = config.rootfs.diff_ids;
  const steps = (config.history ?? []).filter((h) => !h.empty_layer);
  // Older or hand-made configs may have fewer history entries than layers: align from the bottom.
  return layers.map((_, i) => steps[i]);
}

export function parseImageConfig(raw: Buffer | string, what: string): ImageConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString());
  } catch (err) {
    throw new Error(`${what} is not JSON`, { cause: err });
  }
  const c = doc as ImageConfig;
  if (typeof c !== 'object' || c === null || !c.rootfs || !Array.isArray(c.rootfs.diff_ids)) {
    throw new Error(`${what} has no rootfs.diff_ids`);
  }
  for (const d of c.rootfs.diff_ids) {
    if (typeof d !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d)) throw new Error(`${what} has a malformed diff_id ${JSON.stringify(d)}`);
  }
  return c;
}
