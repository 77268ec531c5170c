// The TUI's `x` over a real store: a directory of an image extracted as cp copies out of a
// container — a symlink kept as a link (its target never followed onto the host), no setuid bit,
// a fifo skipped and reported — and a file as its layer has it; "-" (a tar on the TUI's own
// terminal) refused. The pager's reading of a file is the same checked read as `cat`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lstatSync, readFileSync, readlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BytePath } from '../../src/base/byte-path.js';
import { openStore } from '../../src/store/store.js';
import { listImageRows } from '../../tui/data/image-rows.js';
import { openImageModel } from '../../tui/data/image-model.js';
import { strataOk, tempStore } from '../helpers/cli.js';

const t = tempStore();
strataOk(['run', '--name', 'h', 'busybox', 'sh', '-c',
  'mkdir /d; echo top > /d/suid; chmod 4755 /d/suid; ln -s /etc/shadow /d/link; mkfifo /d/fifo; echo one > /d/f'], { root: t.root });
strataOk(['commit', 'h', 'hostile:1'], { root: t.root });

async function model() {
  const store = await openStore(t.root);
  const row = listImageRows(store).find((r) => r.ref === 'hostile:1')!;
  return openImageModel(store, row.id, row.ref);
}

test('x on a directory: links kept as links, no setuid bit, a fifo skipped and said', async () => {
  const m = await model();
  const top = m.layers.length - 1;
  const dir = m.viewAt(top).lookup('/d' as BytePath)!;
  const out = join(t.scratch, 'd-out');
  const skipped = await m.files.extract(dir, top, out);
  assert.equal(skipped, ['skipped /d/fifo: a fifo is not copied out of a container']);
  assert.is(readlinkSync(join(out, 'link')), '/etc/shadow');
  assert.ok(lstatSync(join(out, 'link')).isSymbolicLink());
  assert.is((lstatSync(join(out, 'suid')).mode & 0o7777).toString(8), '755');
  assert.is(readFileSync(join(out, 'f'), 'utf8'), 'one\n');
  assert.not.ok(existsSync(join(out, 'fifo')));
});

test('x on a file writes it as its layer has it; "-" is refused; the pager reads the same bytes', async () => {
  const m = await model();
  const top = m.layers.length - 1;
  const file = m.viewAt(top).lookup('/d/f' as BytePath)!;
  const out = join(t.scratch, 'f-out');
  assert.equal(await m.files.extract(file, top, out), []);
  assert.is(readFileSync(out, 'utf8'), 'one\n');
  assert.is((await m.files.read(file, top)).toString(), 'one\n');
  await m.files.extract(file, top, '-').then(() => assert.unreachable('"-" written'), (err: Error) => assert.match(err.message, /extract to a path, not "-"/));
});

test.after(() => t.cleanup());
test.run();
