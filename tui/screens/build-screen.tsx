// The build view (`b` in the Images pane): a context directory and its Dockerfile (Tab completes
// both), build args and a tag, then the steps as they run (build-log-lines.ts) and how the build
// ended. A finished build hands its image to the App, which opens it in the image view; Esc while
// it runs cancels it, and the build undoes itself as an interrupted one does.

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Box } from 'ink';
import { oneLine } from '../../src/base/errors.js';
import { parseBuildArgs, type BuildResult } from '../data/build-job.js';
import type { Line } from '../widgets/line/line.js';
import { LineText } from '../widgets/line/line-text.js';
import { useKeys } from '../widgets/keys/use-keys.js';
import { TextInput } from '../widgets/text-input/text-input.js';
import { useTextInput } from '../widgets/text-input/use-text-input.js';
import { useTextInputState } from '../widgets/text-input/use-text-input-state.js';
import { buildLogLines } from './build-log-lines.js';
import { useBuildJob, type BuildRunner } from './use-build-job.js';
import { useBuildState, type BuildField, type BuildPhase } from './use-build-state.js';

export interface BuildScreenProps {
  readonly width: number;
  readonly height: number;
  readonly isActive: boolean;
  readonly complete: (text: string) => readonly string[];
  readonly run: BuildRunner;
  readonly onBuilt: (result: BuildResult) => void;
  readonly onBack: () => void;
  readonly onHelp: () => void;
}

const LABELS: Record<BuildField, string> = { context: 'Context:   ', file: 'Dockerfile:', args: 'Build args:', tag: 'Tag:       ' };

/** Lines above the log: the intro, a blank, the four fields, a blank. */
const FORM_LINES = 7;

export function BuildScreen({ width, height, isActive, complete, run, onBuilt, onBack, onHelp }: BuildScreenProps) {
  const [phase, dispatch] = useBuildState();
  const context = useTextInputState();
  const file = useTextInputState();
  const args = useTextInputState();
  const tag = useTextInputState();
  const inputs = { context, file, args, tag };
  useBuildJob(phase, dispatch, run, onBuilt);

  const field = phase.kind === 'form' ? phase.field : undefined;
  const refuse = (error: string) => dispatch({ type: 'refused', error });
  const submit: Record<BuildField, (value: string) => void> = {
    context: (value) => {
      if (!value) return;
      if (!isKind(value, 'directory')) return refuse(`${value}: not a directory`);
      const fallback = join(value, 'Dockerfile');
      if (file[0].value === '' || file[0].value.endsWith('/Dockerfile')) file[1]({ type: 'set', value: fallback });
      dispatch({ type: 'next' });
    },
    file: (value) => {
      if (!isKind(value, 'file')) return refuse(`${value}: no such file`);
      dispatch({ type: 'next' });
    },
    args: (value) => {
      try {
        parseBuildArgs(value);
      } catch (err) {
        return refuse(oneLine(err));
      }
      dispatch({ type: 'next' });
    },
    tag: (value) => dispatch({ type: 'start', request: { contextDir: context[0].value, file: file[0].value, buildArgs: args[0].value, tag: value } }),
  };
  // Each field's input has the keys while it is the field being edited; Esc goes to the one before.
  const keysOf = (f: BuildField) => ({
    isActive: isActive && field === f,
    ...(f === 'context' || f === 'file' ? { complete } : {}),
    onSubmit: submit[f],
    onCancel: () => (f === 'context' ? onBack() : dispatch({ type: 'previous' })),
  });
  useTextInput(context[0], context[1], keysOf('context'));
  useTextInput(file[0], file[1], keysOf('file'));
  useTextInput(args[0], args[1], keysOf('args'));
  useTextInput(tag[0], tag[1], keysOf('tag'));
  useKeys((input, key) => {
    if (phase.kind === 'running') {
      if (key.escape) dispatch({ type: 'cancel' });
      else if (input === '?') onHelp();
      return;
    }
    if (input === '?') onHelp();
    else if (input === 'b') dispatch({ type: 'again' });
    else if (key.escape || key.return || input === 'q') onBack();
  }, { isActive: isActive && phase.kind !== 'form' });

  // An ambiguous completion lists its candidates on a line under its field.
  const candidateLines = Object.values(inputs).filter(([state]) => state.candidates.length > 0).length;
  const logHeight = Math.max(0, height - FORM_LINES - candidateLines - 1);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LineText line={[{ text: 'Build an image from a Dockerfile (its RUN steps have no network)', tone: 'muted' }]} width={width} />
      <LineText line={[]} width={width} />
      {(['context', 'file', 'args', 'tag'] as const).map((f) => <TextInput key={f} label={LABELS[f]} state={inputs[f][0]} width={width} focused={field === f} />)}
      <LineText line={[]} width={width} />
      <Box flexDirection="column" height={logHeight}>
        {logLines(phase, width, logHeight).map((line, i) => <LineText key={i} line={line} width={width} />)}
      </Box>
      <LineText line={footer(phase)} width={width} />
    </Box>
  );
}

function logLines(phase: BuildPhase, width: number, height: number): Line[] {
  switch (phase.kind) {
    case 'form':
      return [];
    case 'running':
      return buildLogLines(phase.log, 'running', phase.tick, width, height);
    case 'failed': {
      const error = wrapped(phase.error, width).map((text): Line => [{ text, tone: 'error' }]);
      return [...buildLogLines(phase.log, 'failed', 0, width, height - error.length), ...error];
    }
    case 'cancelled':
      return [...buildLogLines(phase.log, 'failed', 0, width, height - 1), [{ text: 'build cancelled; nothing it made is left behind', tone: 'warning' }]];
    case 'done':
      return [...buildLogLines(phase.log, 'done', 0, width, height - 1), [{ text: `built ${phase.made}`, tone: 'added' }]];
  }
}

const HINTS: Record<BuildField, string> = {
  context: 'The context directory · Tab completes · Enter next · Esc back',
  file: 'The Dockerfile · Tab completes · Enter next · Esc previous field',
  args: 'K=V separated by spaces (K alone: its value here) · Enter next · Esc previous field',
  tag: 'NAME[:TAG] for the image (empty: untagged) · Enter builds · Esc previous field',
};

function footer(phase: BuildPhase): Line {
  switch (phase.kind) {
    case 'form':
      return phase.error ? [{ text: phase.error, tone: 'error' }] : [{ text: HINTS[phase.field], tone: 'muted' }];
    case 'running':
      return [{ text: phase.cancelling ? 'cancelling…' : 'Esc cancels (nothing is left behind)', tone: 'muted' }];
    case 'done':
      return [{ text: 'opening the image…', tone: 'muted' }];
    case 'failed':
    case 'cancelled':
      return [{ text: 'Enter or Esc back · b edit and build again', tone: 'muted' }];
  }
}

/** `text` in lines of at most `width`, broken after a space where there is one. */
export function wrapped(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while ([...rest].length > width) {
    const head = [...rest].slice(0, width).join('');
    const space = head.lastIndexOf(' ');
    const cut = space > 0 ? space : head.length;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, '');
  }
  return [...lines, rest];
}

function isKind(path: string, kind: 'directory' | 'file'): boolean {
  try {
    const st = statSync(path);
    return kind === 'directory' ? st.isDirectory() : st.isFile();
  } catch {
    return false;
  }
}
