// Text a terminal shows must stay text. Names in the CLI's tables come from a tenant (group, role, subscription,
// user names), from tool output and from files a repository controls; a terminal interprets some characters as
// commands: ESC starts colour, cursor and OSC 8 hyperlink sequences, CR with ESC[2K rewrites a line ("Reader" shown as
// "Owner (fake)"), a newline forges a row, U+202E reverses what follows. Every string of a table passes through
// `inert`: controls become visible escapes, line breaks fold into "↵", long names are elided to fit their column.
// `--json` output keeps the data exact (JSON escapes every control itself).

/** C0 controls, DEL and C1 controls (U+0080–U+009F, where U+009B is a one-character CSI). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/gu;
/** Bidirectional embeddings, overrides, isolates and marks: they reorder what a terminal shows. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** Line breaks of every kind, folded into one visible mark each run. */
const LINE_BREAKS = /(?:\r\n|[\n\r\u0085\u2028\u2029])+/gu;

function escaped(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * One table cell: no character of the result makes a terminal do anything but print it. `width` (in characters)
 * elides the middle-free tail with "…" so the cell fits its column.
 */
export function inert(text: string, width?: number): string {
  const folded = text
    .replace(LINE_BREAKS, ' ↵ ')
    .replace(/\t/g, ' ')
    .replace(CONTROL, escaped)
    .replace(BIDI, escaped);
  if (width === undefined) return folded;
  const chars = [...folded];
  return chars.length <= width ? folded : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * Every string of a report made inert (object keys are the program's own): for the text tables, which print
 * values from many places. Strings longer than `width` are elided.
 */
export function inertStrings<T>(value: T, width: number): T {
  if (typeof value === 'string') return inert(value, width) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => inertStrings(item, width)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, inertStrings(v, width)])) as T;
  }
  return value;
}

/**
 * Text laid out for a terminal `columns` wide: a longer line breaks at spaces, its continuation indented two more
 * than the line (a list item's text stays under its first word); a word longer than the room left (a scope path)
 * is cut where the line ends. Lines that fit are kept as they are, and so are `verbatim` lines (commands to paste).
 */
export function fitToWidth(text: string, columns: number, verbatim: (line: string) => boolean = () => false): string {
  const width = Math.max(40, columns);
  return text.split('\n').map((line) => {
    if ([...line].length <= width || verbatim(line)) return line;
    const indent = /^ */.exec(line)![0];
    const bullet = /^ *(?:[•!-] )?/.exec(line)![0];
    const hanging = ' '.repeat(Math.max(bullet.length, indent.length + 2));
    const out: string[] = [];
    let current = indent;
    let room = width - indent.length;
    const words = line.slice(indent.length).split(' ');
    const push = (): void => { out.push(current.trimEnd()); current = hanging; room = width - hanging.length; };
    for (const word of words) {
      let chars = [...word];
      const needed = current.trim() === '' ? chars.length : chars.length + 1;
      if (needed <= room) {
        current += current.trim() === '' ? word : ` ${word}`;
        room -= needed;
        continue;
      }
      if (current.trim() !== '') push();
      while (chars.length > room) {
        current += chars.slice(0, room).join('');
        chars = chars.slice(room);
        push();
      }
      current += chars.join('');
      room -= chars.length;
    }
    if (current.trim() !== '') out.push(current.trimEnd());
    return out.join('\n');
  }).join('\n');
}

/**
 * A bash command line (its words quoted as `quoteBash` quotes them) laid out within `columns`: it breaks only between
 * words, each broken line ending in ` \` (a line continuation), the next one indented two more. Bash reads the same
 * argument vector either way; a single word longer than the room stays whole, since cutting it would change it.
 */
export function wrapBashCommand(line: string, columns: number, indent = ''): string[] {
  const words: string[] = [];
  let word = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quoted) { word += c; if (c === '\'') quoted = false; continue; }
    if (c === '\'') { word += c; quoted = true; continue; }
    if (c === '\\' && i + 1 < line.length) { word += c + line[i + 1]!; i += 1; continue; }
    if (c === ' ') { if (word) words.push(word); word = ''; continue; }
    word += c;
  }
  if (word) words.push(word);
  const out: string[] = [];
  let current = indent;
  for (const w of words) {
    const lead = out.length === 0 ? indent : `${indent}  `;
    const candidate = current.trim() === '' ? `${lead}${w}` : `${current} ${w}`;
    // Room for the " \" that ends a broken line.
    if (current.trim() !== '' && [...candidate].length + 2 > columns) {
      out.push(`${current} \\`);
      current = `${indent}  ${w}`;
    } else {
      current = candidate;
    }
  }
  if (current.trim() !== '') out.push(current);
  return out;
}
