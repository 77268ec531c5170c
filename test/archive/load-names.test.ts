import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultNameOf, tagsFor } from '../../src/archive/load-names.js';

const oci = (text: string) => ({ text, mayBeBareTag: true });
const docker = (text: string) => ({ text, mayBeBareTag: false });

test('defaultNameOf: the file name without its archive extensions, lowercased', () => {
  assert.is(defaultNameOf('/x/busybox.tar'), 'busybox');
  assert.is(defaultNameOf('app.oci.tar.gz'), 'app');
  assert.is(defaultNameOf('/layouts/Alpine/'), 'alpine');
  assert.is(defaultNameOf('my.image.tar'), 'my.image');
});

test('tagsFor: a bare OCI tag becomes NAME:T, NAME defaulting to the file name', () => {
  assert.equal(tagsFor([oci('3.20')], '/x/alpine.tar', undefined), ['alpine:3.20']);
  assert.equal(tagsFor([oci('3.20')], '/x/alpine.tar', 'mine'), ['mine:3.20']);
});

test('tagsFor: full references are kept; RepoTags are references even without a colon', () => {
  assert.equal(tagsFor([oci('docker.io/library/busybox:1.36')], '/x/a.tar', undefined), ['docker.io/library/busybox:1.36']);
  assert.equal(tagsFor([docker('busybox')], '/x/a.tar', undefined), ['busybox:latest']);
  assert.equal(tagsFor([docker('localhost:5000/a/b:v1')], '/x/a.tar', undefined), ['localhost:5000/a/b:v1']);
});

test('tagsFor: NAME replaces the name of every reference, and NAME:TAG the tags too', () => {
  assert.equal(tagsFor([docker('busybox:1'), oci('2')], '/x/a.tar', 'mine'), ['mine:1', 'mine:2']);
  assert.equal(tagsFor([docker('busybox:1'), oci('2')], '/x/a.tar', 'mine:x'), ['mine:x']);
});

test('tagsFor: an unnamed image gets NAME[:latest] when one is given, else no tag', () => {
  assert.equal(tagsFor([], '/x/a.tar', undefined), []);
  assert.equal(tagsFor([], '/x/a.tar', 'mine'), ['mine:latest']);
  assert.equal(tagsFor([], '/x/a.tar', 'reg:5000/mine:2'), ['reg:5000/mine:2']);
});

test('tagsFor: an invalid stated name or file name is a one-line error', () => {
  assert.throws(() => tagsFor([oci('UPPER/Case:x')], '/x/a.tar', undefined), /names an image "UPPER\/Case:x", which is not a valid reference/);
  assert.throws(() => tagsFor([oci('t')], '/x/my image.tar', undefined), /"my image" \(from the file name\) is not a valid image name: give NAME/);
  assert.equal(tagsFor([oci('t')], '/x/my image.tar', 'ok'), ['ok:t']);
});

test.run();
