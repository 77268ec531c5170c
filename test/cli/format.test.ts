import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { table } from '../../src/cli/format.js';

test('table pads columns with three spaces, like Docker\'s tabwriter', () => {
  assert.is(table(['A', 'LONGER'], [['xx', 'y'], ['x', 'zz']]), 'A    LONGER\nxx   y\nx    zz\n');
});

test.run();
