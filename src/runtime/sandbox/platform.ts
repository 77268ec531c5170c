// An image runs only on the platform it was built for: the host's kernel runs its programs, and
// nothing here emulates another architecture. Images for other platforms are still stored (load
// --platform), inspected, read and saved; making a sandbox of one fails here, on every path that
// makes one (run, its fast path, a pulled image alike), before anything is written.

import { StrataError } from '../../base/errors.js';
import { hostArchitecture, type ImageConfig } from '../../store/image-config.js';

/** Throws one line naming the image's platform and this machine's when they differ. */
export function checkRunnablePlatform(config: ImageConfig, what: string): void {
  const host = `linux/${hostArchitecture()}`;
  if (config.os === 'linux' && config.architecture === hostArchitecture()) return;
  const variant = (config as { variant?: unknown }).variant;
  const image = `${String(config.os)}/${String(config.architecture)}${typeof variant === 'string' && variant !== '' ? `/${variant}` : ''}`;
  throw new StrataError(`image ${what} is for ${image} and this machine is ${host}: it can be inspected, read and saved here, not run`);
}
