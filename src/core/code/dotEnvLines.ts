// Where a variable is written in a .env file, so a diagnostic can point at its line and a fix can replace its value
// or delete it. The value itself is dotenv's (the same parser the chain reads the file with); this finds the line
// that gives it: the last assignment of the name, as dotenv lets a later line win.
import { parse } from 'dotenv';
import type { SourceRange } from './credentialCalls';

export interface DotEnvEntry {
  readonly name: string;
  /** The value as dotenv reads it. */
  readonly value: string;
  /** The whole line, and the line with its line break (what deleting the variable removes). */
  readonly line: SourceRange;
  readonly lineWithBreak: SourceRange;
  /** The value as written (quotes included, a trailing comment excluded); undefined for a value over several lines. */
  readonly writtenValue: SourceRange | undefined;
}

/** `NAME=` / `export NAME=` / `NAME:` at the start of a line, as dotenv reads a line. */
const ASSIGNMENT = /^(\s*(?:export\s+)?)([\w.-]+)(\s*[=:]\s*)/;

/** The line that sets `name` in `text` (the last one, as that is the one that wins), or undefined. */
export function dotEnvEntry(text: string, name: string): DotEnvEntry | undefined {
  const value = parse(text)[name];
  if (value === undefined) return undefined;
  const lines = text.split('\n');
  for (let row = lines.length - 1; row >= 0; row--) {
    const line = lines[row]!.replace(/\r$/, '');
    const match = ASSIGNMENT.exec(line);
    if (!match || match[2] !== name) continue;
    const valueStart = match[0].length;
    const rest = line.slice(valueStart);
    let valueEnd: number | undefined;
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = rest.indexOf(quote, 1);
      valueEnd = close > 0 ? valueStart + close + 1 : undefined;
    } else {
      const comment = rest.search(/\s#/);
      valueEnd = valueStart + (comment >= 0 ? comment : rest.length);
      while (valueEnd > valueStart && /\s/.test(line[valueEnd - 1]!)) valueEnd--;
    }
    const lastRow = row === lines.length - 1;
    return {
      name, value,
      line: { startLine: row, startColumn: 0, endLine: row, endColumn: line.length },
      lineWithBreak: lastRow
        ? { startLine: row, startColumn: 0, endLine: row, endColumn: line.length }
        : { startLine: row, startColumn: 0, endLine: row + 1, endColumn: 0 },
      writtenValue: valueEnd === undefined ? undefined : { startLine: row, startColumn: valueStart, endLine: row, endColumn: valueEnd },
    };
  }
  return undefined;
}
