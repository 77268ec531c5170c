// `strata run`: one fresh container, from image to exit status. The image and everything the
// sandbox needs are resolved first (sandbox/run-spec.ts), the container is created (its rootfs by
// the driver, published by rename), then started in the foreground — or, with -d, by a supervisor
// process of its own that keeps its output and exit status (supervisor.ts).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openImageView } from '../../content/image-view.js';
import { resolveImage } from '../../store/lookup.js';
import type { Store } from '../../store/store.js';
import { detectCgroups, sweepStaleCgroups } from '../cgroups/detect.js';
import { checkContainerName, newContainerId } from './names.js';
import { createContainer } from './records.js';
import { defaultDriverName, openDriver } from '../drivers/driver.js';
import type { DriverName } from '../drivers/types.js';
import { etcFiles } from '../sandbox/etc-files.js';
import { helperNodeMaker } from '../helper/process.js';
import { checkRunFlags } from '../sandbox/run-flags.js';
import { checkRunnablePlatform } from '../sandbox/platform.js';
import { ETC_FILES, prepareRun, saveRunSpec, type RunRequest } from '../sandbox/run-spec.js';
import { startContainer } from './start.js';
import { startDetached } from './supervisor.js';

export interface RunOptions extends RunRequest {
  readonly image: string;
  readonly name?: string;
  readonly driver?: DriverName;
  /** -d: start it in the background; resolves once it runs. */
  readonly detach?: boolean;
}

/** Returns the command's exit status; with `detach`, 0 once it runs (its id is printed). */
export async function runContainer(store: Store, o: RunOptions, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  if (o.name !== undefined) checkContainerName(o.name);
  const flags = checkRunFlags(o);
  if (process.getuid?.() === 0) {
    const cgroups = detectCgroups();
    if (cgroups) sweepStaleCgroups(cgroups);
  }
  const image = resolveImage(store, o.image);
  checkRunnablePlatform(image.config, o.image);
  const iv = openImageView(store, image);
  const id = newContainerId();
  const { spec, mountPoints } = prepareRun(store, image, iv, id, o, flags);

  const driver = await openDriver(o.driver ?? defaultDriverName(), { store, makeNodes: helperNodeMaker(store) });
  const files = etcFiles(spec.hostname, spec.net);
  await createContainer(store, { id, name: o.name, image: image.id, imageRef: o.image, command: spec.process.argv, driver: driver.name, hostname: spec.hostname }, async (dir) => {
    for (const f of ETC_FILES) writeFileSync(join(dir, f), files[f], { mode: 0o644 });
    saveRunSpec(dir, spec);
    await driver.populate(dir, iv, mountPoints);
  });
  if (o.detach) {
    await startDetached(store, id);
    out(`${id}\n`);
    return 0;
  }
  return startContainer(store, id, { stdin: spec.interactive || spec.tty, image: iv });
}
