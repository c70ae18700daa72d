// The environment the user's Python process gets: the process environment merged with a .env file the way the
// VS Code Python extension does it for runs, debugging and its terminals: values from .env *override* the process
// environment (vscode-python merges the file into a copy of process.env with overwrite on), and "${NAME}" in a value
// is replaced by an earlier .env entry or else the process environment's value (empty when neither has it; "\$"
// keeps a literal "$"). Parsing itself is dotenv's (quotes, comments, `export`-less KEY=VALUE lines).
import { parse } from 'dotenv';
import { FileRefusedError, readBoundedText } from '../files/boundedRead';

const SUBSTITUTION = /\$\{([a-zA-Z]\w*)?([^}\w].*)?\}/g;

function substitute(value: string, local: Readonly<Record<string, string>>, base: Readonly<Record<string, string>>): string {
  let invalid = false;
  const replaced = value.replace(SUBSTITUTION, (match: string, name: string | undefined, bogus: string | undefined, offset: number, whole: string) => {
    if (offset > 0 && whole[offset - 1] === '\\') return match;
    if (bogus || !name) { invalid = true; return match; }
    return local[name] || base[name] || '';
  });
  return (invalid ? value : replaced).replace(/\\\$/g, '$');
}

/** Parses .env text into variables, expanding ${NAME} references in file order. */
export function parseDotEnv(text: string, base: Readonly<Record<string, string>>): Record<string, string> {
  const parsed = parse(text);
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) result[name] = substitute(value, result, base);
  return result;
}

/**
 * base + the file's variables (the file wins). Throws a readable Error when the file cannot be read, is not a
 * regular file (a FIFO or /dev/zero committed as `.env`) or is larger than any real .env.
 */
export async function mergeDotEnv(base: Readonly<Record<string, string>>, envFile: string, signal?: AbortSignal): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readBoundedText(envFile, 'dotenv', { signal });
  } catch (error) {
    if (error instanceof FileRefusedError) {
      // The refusal's own sentence ("The .env file … does not exist.", "… a named pipe (FIFO) …"), in the user's language.
      throw new Error(error.message, { cause: error });
    }
    throw error;
  }
  return { ...base, ...parseDotEnv(text, base) };
}

/** process.env without undefined values, as a plain record. */
export function processEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
