// The layout of the CLI's help: texts come from the catalog (a translation may be longer than the English), names
// of commands and options are the program's own and never translated. Every line stays within HELP_WIDTH columns in
// every language: a line the translation makes longer breaks at spaces and continues under its own column.

/** The widest a help line may be. */
export const HELP_WIDTH = 100;

/** `line` broken at spaces into lines of at most `width` characters (a longer word stays whole). */
function wrap(line: string, width: number): string[] {
  if ([...line].length <= width) return [line];
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const next = current ? `${current} ${word}` : word;
    if ([...next].length > width && current) { out.push(current); current = word; } else current = next;
  }
  out.push(current);
  return out;
}

/**
 * The lines of `text` within `width`: its own line breaks while every line fits; once one does not (a longer
 * translation), the whole text is filled again, so no word is left alone on a line between two of the original ones.
 */
function lay(text: string, width: number): string[] {
  const own = text.split('\n');
  if (own.every((line) => [...line].length <= width)) return own;
  return wrap(own.map((line) => line.trim()).filter(Boolean).join(' '), width);
}

/** Text whose own lines are kept, each line indented by `indent`; one too long refills the text (see lay). */
export function paragraph(text: string, indent = ''): string {
  return lay(text, HELP_WIDTH - indent.length).map((line) => `${indent}${line}`.trimEnd()).join('\n');
}

/**
 * Rows of `name  description`: names (commands or options as typed) in a column, descriptions starting at `column`;
 * a description's own lines, or the refilled lines of one a translation makes too long (see lay), continue at `column`.
 */
export function columns(rows: readonly (readonly [name: string, description: string])[], column: number, indent = '  '): string {
  const lines: string[] = [];
  for (const [name, description] of rows) {
    const text = lay(description, HELP_WIDTH - column);
    const head = `${indent}${name}`;
    // A name too long for its column gets a line of its own.
    if ([...head].length + 2 > column) lines.push(head);
    else lines.push(`${head}${' '.repeat(column - [...head].length)}${text.shift() ?? ''}`.trimEnd());
    for (const line of text) lines.push(`${' '.repeat(column)}${line}`.trimEnd());
  }
  return lines.join('\n');
}
