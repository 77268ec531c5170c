// A history of figures as a row of block characters (▁▂▃▄▅▆▇█), newest on the right, as
// lazydocker draws a container's CPU: the tallest block is the window's largest figure, or
// `floor` when every figure is below it (so a container idling at 0.1 % draws flat, not noise).

const BLOCKS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width: number, floor = 1): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const top = Math.max(floor, ...shown);
  const blocks = shown.map((v) => BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, Math.round((v / top) * (BLOCKS.length - 1))))]!);
  return ' '.repeat(width - shown.length) + blocks.join('');
}
