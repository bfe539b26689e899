/**
 * Word wrapping for human output: a line longer than the width breaks at spaces, and the lines
 * after the first get a hanging indent. Colour codes do not count towards the width; a word
 * longer than a whole line (a fingerprint, a path) stays whole rather than broken in two.
 */
const ANSI = /\x1b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** The width to wrap to: the terminal's, else none (a pipe or file gets lines unbroken). */
export function outputWidth(stream: { isTTY?: boolean; columns?: number }): number | null {
  return stream.isTTY && typeof stream.columns === 'number' && stream.columns > 20 ? stream.columns : null;
}

/**
 * `indent` is the hanging indent of continuation lines; by default the line's own leading
 * spaces plus `extra`.
 */
export function wrapLine(line: string, width: number | null, options: { indent?: number; extra?: number } = {}): string {
  if (width === null || visibleLength(line) <= width) return line;
  const lead = /^ */.exec(line)?.[0].length ?? 0;
  const hanging = ' '.repeat(Math.min(options.indent ?? lead + (options.extra ?? 2), Math.max(Math.floor(width / 2), width - 24)));
  const out: string[] = [];
  let current = ' '.repeat(lead);
  let currentLength = lead;
  let empty = true;
  // Spacing inside a line (aligned columns) is kept; only the spaces at a break go.
  for (const [, gap = '', word = ''] of line.slice(lead).matchAll(/( *)([^ ]+)/g)) {
    const length = visibleLength(word);
    if (!empty && currentLength + gap.length + length > width) {
      out.push(current);
      current = hanging + word;
      currentLength = hanging.length + length;
      continue;
    }
    current += empty ? word : gap + word;
    currentLength += (empty ? 0 : gap.length) + length;
    empty = false;
  }
  out.push(current);
  return out.join('\n');
}

/** Every line of `text` wrapped; a trailing newline is kept. */
export function wrapText(text: string, width: number | null, options: { indent?: number; extra?: number } = {}): string {
  if (width === null) return text;
  return text
    .split('\n')
    .map((line) => wrapLine(line, width, options))
    .join('\n');
}
