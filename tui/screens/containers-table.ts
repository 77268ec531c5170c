// How the Containers pane lays out its columns: NAME, ID, IMAGE, COMMAND, STATE, AGE.

import { terminalText } from '../../src/base/terminal-text.js';
import { timeAgo } from '../../src/base/format.js';
import type { ContainerRow } from '../data/containers.js';
import { fit, type Line, type Tone } from '../widgets/line/line.js';

const ID = 12;
const STATE = 12;
const AGE = 18;
const GAP = '  ';

function flexible(width: number): [name: number, image: number, command: number] {
  const room = Math.max(24, width - (ID + STATE + AGE + GAP.length * 5));
  const name = Math.floor(room * 0.3);
  const image = Math.floor(room * 0.3);
  return [name, image, room - name - image];
}

export function containersHeader(width: number): Line {
  const [name, image, command] = flexible(width);
  const text = [fit('NAME', name), fit('CONTAINER ID', ID), fit('IMAGE', image), fit('COMMAND', command), fit('STATE', STATE), 'CREATED'].join(GAP);
  return [{ text, tone: 'muted', bold: true }];
}

/** "running", "exited (0)", "created". */
export function stateText(row: ContainerRow): string {
  return row.state === 'exited' && row.exitCode !== undefined ? `exited (${row.exitCode})` : row.state;
}

export function containerLine(row: ContainerRow, width: number, now: number): Line {
  const [name, image, command] = flexible(width);
  const tone: Tone | undefined = row.state === 'running' ? 'added' : row.state === 'exited' && row.exitCode ? 'error' : undefined;
  return [
    { text: [fit(terminalText(row.name), name), fit(row.id.slice(0, ID), ID), fit(terminalText(row.image), image), fit(terminalText(row.command), command)].join(GAP) + GAP },
    tone ? { text: fit(stateText(row), STATE), tone } : { text: fit(stateText(row), STATE) },
    { text: GAP + fit(timeAgo(row.created, now), AGE), tone: 'muted' },
  ];
}
