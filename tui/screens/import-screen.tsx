// The Import view: a path with Tab completion, a name, then a progress bar of bytes and entries;
// Esc cancels a running import and nothing of it stays in the store.

import { Box } from 'ink';
import { existsSync } from 'node:fs';
import { suggestedName } from '../data/import-job.js';
import { fit, type Line } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';
import { TextInput } from '../widgets/text-input/text-input.js';
import { useTextInput } from '../widgets/text-input/use-text-input.js';
import { useTextInputState } from '../widgets/text-input/use-text-input-state.js';
import { progressBar, progressFraction, progressText } from './progress-bar.js';
import { useImportJob, type ImportRunner } from './use-import-job.js';
import { useImportState, type ImportPhase } from './use-import-state.js';
import { useKeys } from '../widgets/keys/use-keys.js';

export interface ImportScreenProps {
  readonly width: number;
  readonly height: number;
  readonly isActive: boolean;
  readonly complete: (text: string) => readonly string[];
  readonly run: ImportRunner;
  readonly onStoreChanged: () => void;
  readonly onBack: () => void;
  readonly onHelp: () => void;
}

export function ImportScreen({ width, height, isActive, complete, run, onStoreChanged, onBack, onHelp }: ImportScreenProps) {
  const [phase, dispatch] = useImportState();
  const [path, pathDispatch] = useTextInputState();
  const [name, nameDispatch] = useTextInputState();
  useImportJob(phase, dispatch, run, onStoreChanged);

  useTextInput(path, pathDispatch, {
    isActive: isActive && phase.kind === 'path',
    complete,
    onSubmit: (value) => {
      if (!value) return;
      if (!existsSync(value)) return dispatch({ type: 'pathRefused', error: `${value}: no such file or directory` });
      nameDispatch({ type: 'set', value: suggestedName(value) });
      dispatch({ type: 'pathChosen', path: value });
    },
    onCancel: onBack,
  });
  useTextInput(name, nameDispatch, {
    isActive: isActive && phase.kind === 'name',
    onSubmit: (value) => dispatch({ type: 'start', name: value.trim() }),
    onCancel: () => dispatch({ type: 'again' }),
  });
  useKeys((input, key) => {
    if (phase.kind === 'running') {
      if (key.escape) dispatch({ type: 'cancel' });
      else if (input === '?') onHelp();
      return;
    }
    if (phase.kind === 'done' || phase.kind === 'failed' || phase.kind === 'cancelled') {
      if (input === '?') onHelp();
      else if (input === 'i') dispatch({ type: 'again' });
      else if (key.escape || key.return || input === 'q') onBack();
    }
  }, { isActive: isActive && phase.kind !== 'path' && phase.kind !== 'name' });

  const lines: Line[] = [[{ text: 'Import a rootfs tarball (.tar, .tar.gz, .tar.xz, .tar.zst), an OCI layout or a docker-archive', tone: 'muted' }], []];
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.map((line, i) => <LineText key={i} line={line} width={width} />)}
      <TextInput label="Path:" state={path} width={width} focused={phase.kind === 'path'} />
      {phase.kind !== 'path' ? <TextInput label="Name:" state={name} width={width} focused={phase.kind === 'name'} /> : null}
      <LineText line={[]} width={width} />
      {phaseLines(phase, width).map((line, i) => <LineText key={`p${i}`} line={line} width={width} />)}
    </Box>
  );
}

function phaseLines(phase: ImportPhase, width: number): Line[] {
  switch (phase.kind) {
    case 'path':
      return [phase.error ? [{ text: phase.error, tone: 'error' }] : [{ text: 'Tab completes · Enter next · Esc back', tone: 'muted' }]];
    case 'name':
      return [[{ text: 'NAME[:TAG] for the image (empty: untagged, or the names an archive gives) · Enter import · Esc back', tone: 'muted' }]];
    case 'running': {
      const fraction = progressFraction(phase.progress);
      const bar: Line = fraction === undefined ? [] : [{ text: `${progressBar(fraction, Math.min(50, width - 8))} ${fit(`${Math.floor(fraction * 100)}%`, 4)}`, tone: 'accent' }];
      return [bar, [{ text: progressText(phase.progress) }], [{ text: phase.cancelling ? 'cancelling…' : 'Esc cancels (nothing is left behind)', tone: 'muted' }]];
    }
    case 'done':
      return [[{ text: `imported ${phase.made.join(', ')}`, tone: 'added' }], [{ text: 'Enter or Esc back · i import another', tone: 'muted' }]];
    case 'failed':
      return [[{ text: phase.error, tone: 'error' }], [{ text: 'Enter or Esc back · i try again', tone: 'muted' }]];
    case 'cancelled':
      return [[{ text: 'import cancelled; the store is as it was', tone: 'warning' }], [{ text: 'Enter or Esc back · i import another', tone: 'muted' }]];
  }
}
