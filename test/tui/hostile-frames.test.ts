// The App on an image and containers whose every string would drive the terminal (OSC 2 sets the
// title, CSI clears the screen red): no frame holds a control character, and every pane shows
// the escaped form — tree rows, link targets, details, layers (created_by), efficiency, the
// containers' commands, a diff's names, logs, and the status line. No colour, so any escape
// sequence in a frame would be the image's.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BytePath } from '../../src/base/byte-path.js';
import type { ImageConfig } from '../../src/store/image-config.js';
import type { ContainerRow, Containers } from '../../tui/data/containers.js';
import { imageModelOf } from '../../tui/data/image-model.js';
import { dir, file, layer, link } from '../helpers/overlay-index.js';
import { DEMO_FILES } from './helpers/demo-image.js';
import { fakeServices, WEB_CONFIG } from './helpers/fake-services.js';
import { DOWN, ENTER, TAB } from './helpers/keys.js';
import { renderApp, settle } from './helpers/render-app.js';

const TITLE = '\x1b]2;PWNED\x07';
const CLEAR_RED = '\x1b[2J\x1b[31m';
const ESCAPED_TITLE = '\\x1b]2;PWNED\\x07';
const ESCAPED_CLEAR_RED = '\\x1b[2J\\x1b[31m';

const LAYERS = [
  layer({ '/etc': dir(), [`/etc/${TITLE}evil`]: file(10), [`/etc/${CLEAR_RED}red`]: file(20), '/etc/link': link(`${TITLE}target`), '/etc/caf\xe9': file(1), '/etc/caf\\xe9': file(2) }),
  layer({ '/etc': dir(), [`/etc/${TITLE}evil`]: file(10) }),
];

const CONFIG: ImageConfig = {
  created: '2024-01-01T00:00:00Z',
  architecture: 'amd64',
  os: 'linux',
  rootfs: { type: 'layers', diff_ids: ['1', '2'].map((c) => `sha256:${c.repeat(64)}`) },
  history: [{ created_by: `/bin/sh -c ${TITLE}${CLEAR_RED}echo red` }, { created_by: `/bin/sh -c \u009b2Jc1` }],
};

const CONTAINER: ContainerRow = { id: 'e'.repeat(26), name: 'evil', image: 'demo:1', command: `sh -c ${CLEAR_RED}x`, state: 'exited', exitCode: 0, created: '2024-01-01T01:00:00Z' };
const DIFF = [{ path: `/tmp/${TITLE}made` as BytePath, mark: 'A' as const }, { path: '/tmp/new\xff' as BytePath, mark: 'A' as const }];
const LOGS = `line ${TITLE}one\n\ttabbed ${CLEAR_RED}two\n`;

function hostileServices() {
  const { services } = fakeServices({ openImage: (row) => imageModelOf(`sha256:${'d'.repeat(64)}`, row.ref, CONFIG, LAYERS, [{ size: 33 }, { size: 10 }], DEMO_FILES) });
  return {
    ...services,
    containers: {
      ...services.containers,
      list: async () => ({ ok: true, value: [CONTAINER] }),
      diff: async () => ({ ok: true, value: DIFF }),
      logs: async () => ({ ok: true, value: LOGS }),
      logsSince: async () => ({ ok: true, value: { text: LOGS, next: LOGS.length } }),
      config: async () => ({ ok: true, value: { ...WEB_CONFIG, spec: { ...WEB_CONFIG.spec, process: { ...WEB_CONFIG.spec.process, env: [`EVIL=${TITLE}`] }, volumes: [{ source: `/srv/${CLEAR_RED}`, target: '/data\xff' as BytePath, readOnly: false }] } } }),
      remove: async () => ({ ok: false, error: `cannot remove ${TITLE}` }),
    } satisfies Containers,
  };
}

/** The frame, checked to hold no control character but its line breaks. */
function inert(frame: string): string {
  assert.not.match(frame, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, `a control character in the frame:\n${JSON.stringify(frame)}`);
  return frame;
}

test('Image view: names, link targets, details, created_by and efficiency shown escaped', async () => {
  const app = renderApp(hostileServices(), { columns: 120, rows: 30 });
  await settle();
  await app.press(ENTER);
  await settle(250);
  let frame = inert(app.frame());
  assert.ok(frame.includes(`RUN ${ESCAPED_TITLE}${ESCAPED_CLEAR_RED}e…`), frame);
  assert.ok(frame.includes('RUN \\xc2\\x9b2Jc1'), frame);
  assert.ok(frame.includes(`${ESCAPED_TITLE}evil`), frame);
  assert.ok(frame.includes(`/etc/${ESCAPED_TITLE}evil`), 'the efficiency panel');
  // Layer 0, where every name is.
  await app.press(TAB, 'k', TAB);
  frame = inert(app.frame());
  assert.ok(frame.includes(`${ESCAPED_CLEAR_RED}red`), frame);
  assert.ok(frame.includes(`link -> ${ESCAPED_TITLE}target`), frame);
  assert.ok(/ caf\\xe9\n/.test(frame) && / caf\\\\xe9\n/.test(frame), 'the raw byte and the four characters read differently');
  await app.press(DOWN, DOWN);
  frame = inert(app.frame());
  assert.ok(frame.includes(`\n/etc/${ESCAPED_TITLE}evil  `), `the details pane: ${frame}`);
  app.unmount();
});

test("Containers pane: a container's command, its logs, its diff's names, its run spec, its processes and a failure shown escaped", async () => {
  const app = renderApp(hostileServices(), { columns: 140, rows: 24 });
  await settle();
  await app.press(TAB);
  await settle(400);
  let frame = inert(app.frame());
  assert.ok(frame.includes('sh -c \\x1b[2J\\x1b[31mx'), frame);
  assert.ok(frame.includes(`line ${ESCAPED_TITLE}one`), frame);
  assert.ok(frame.includes(`        tabbed ${ESCAPED_CLEAR_RED}two`), 'tabs expanded, the rest escaped');
  await app.press(']');
  await settle(300);
  frame = inert(app.frame());
  assert.ok(frame.includes(`${ESCAPED_TITLE}made`), frame);
  assert.ok(frame.includes('new\\xff'), frame);
  await app.press(']');
  await settle(300);
  frame = inert(app.frame());
  assert.ok(frame.includes(`EVIL=${ESCAPED_TITLE}`), frame);
  assert.ok(frame.includes(`/srv/${ESCAPED_CLEAR_RED} -> /data\\xff`), frame);
  await app.press(']');
  await settle(300);
  frame = inert(app.frame());
  assert.ok(frame.includes('sh -c \\x1b[31mworker'), frame);
  await app.press('d', 'y');
  await settle();
  frame = inert(app.frame());
  assert.ok(frame.includes(`cannot remove ${ESCAPED_TITLE}`), frame);
  app.unmount();
});

test.run();
