import { wrapLine, visibleLength } from '../render/wrap.js';

/**
 * Help text fitted to the terminal. commander wraps what it lays out (usage, options,
 * descriptions); the hand-laid blocks after it (examples, environment, exit codes) get this:
 * - an example (`$ mtls …`) longer than the width breaks before an option, with ` \` so it
 *   still runs when pasted, and its explanation moves under it;
 * - a `term  description` row wraps with the description's column as hanging indent;
 * - a paragraph that overflows is reflowed with the lines after it at the same indent.
 * Words are never broken; lines that fit are left exactly as written.
 */
export function wrapHelpText(text: string, width: number): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    let line = lines[i] as string;
    if (visibleLength(line) <= width) {
      out.push(line);
      continue;
    }
    // `  0  ok        1  wrong`: exit codes laid out two to a line become one to a line.
    const pair = /^( *)(\d  .+?) {2,}(\d  .+)$/.exec(line);
    if (pair) {
      lines.splice(i + 1, 0, `${pair[1]}${pair[2]}`, `${pair[1]}${pair[3]}`);
      continue;
    }
    if (/^\s*\$ /.test(line)) {
      out.push(...wrapExample(line, width));
      continue;
    }
    const lead = leadOf(line);
    const column = descriptionColumn(line);
    if (column !== null) {
      // Lines laid out under the description column continue it: reflowed with it.
      while (i + 1 < lines.length && continuesParagraph(lines[i + 1] as string, column)) {
        line = `${line} ${(lines[i + 1] as string).trim()}`;
        i += 1;
      }
      out.push(wrapLine(line, width, { indent: column <= width - 30 ? column : lead + 4 }));
      continue;
    }
    // A paragraph broken by hand at a wider width: join the lines that continue it, then wrap.
    while (i + 1 < lines.length && continuesParagraph(lines[i + 1] as string, lead)) {
      line = `${line} ${(lines[i + 1] as string).trim()}`;
      i += 1;
    }
    out.push(wrapLine(line, width, { indent: lead }));
  }
  return out.join('\n');
}

function leadOf(line: string): number {
  return /^ */.exec(line)?.[0].length ?? 0;
}

/** Where the description of a `  term   description` row starts (a gap of two or more spaces), or null. */
function descriptionColumn(line: string): number | null {
  const match = /^( *\S(?:\S| (?! ))*?) {2,}(?=\S)/.exec(line);
  return match ? (match[0] as string).length : null;
}

function continuesParagraph(next: string, lead: number): boolean {
  return next.trim() !== '' && leadOf(next) === lead && descriptionColumn(next) === null && !/^\s*\$ /.test(next) && !/:$/.test(next.trim());
}

/** `  $ mtls request URL --cert a --key b   what it does`: the command, then its explanation. */
function wrapExample(line: string, width: number): string[] {
  const lead = leadOf(line);
  const column = descriptionColumn(line);
  const command = column === null ? line : line.slice(0, column).trimEnd();
  const comment = column === null ? '' : line.slice(column);
  const lines = breakCommand(command, width, lead + 4);
  if (comment) {
    const last = lines[lines.length - 1] as string;
    if (column !== null && lines.length === 1 && column + visibleLength(comment) <= width) lines[0] = line;
    else if (visibleLength(last) + 2 + visibleLength(comment) <= width && lines.length > 1) lines[lines.length - 1] = `${last}  ${comment}`;
    else lines.push(wrapLine(`${' '.repeat(lead + 4)}${comment}`, width, { indent: lead + 4 }));
  }
  return lines;
}

/**
 * Breaks a shell command between units (an option with its value, or one word), with ` \` at
 * the end of each line but the last, so the lines still paste as one command.
 */
function breakCommand(command: string, width: number, indent: number): string[] {
  if (visibleLength(command) <= width) return [command];
  const words = shellWords(command.trimStart());
  const units: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const next = words[i + 1];
    if (/^-/.test(word) && next !== undefined && !/^-/.test(next) && !/^[|;>&]/.test(next)) {
      units.push(`${word} ${next}`);
      i += 1;
    } else units.push(word);
  }
  const room = width - 2; // for ` \`
  const lines: string[] = [];
  let current = ' '.repeat(leadOf(command));
  let empty = true;
  for (const unit of units) {
    if (!empty && visibleLength(current) + 1 + visibleLength(unit) > room) {
      lines.push(`${current} \\`);
      current = ' '.repeat(indent) + unit;
      continue;
    }
    current += empty ? unit : ` ${unit}`;
    empty = false;
  }
  lines.push(current);
  return lines;
}

/** Words split at spaces outside '…' and "…" (an example's JSON body stays one word). */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | null = null;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = null;
      word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word += char;
    } else if (char === ' ') {
      if (word) words.push(word);
      word = '';
    } else word += char;
  }
  if (word) words.push(word);
  return words;
}
