import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { deviceCodeIn, explainSignInFailure, type DeviceCodePrompt, type SignInFailure } from '../core/signin/signInFailures';
import type { SignInStep, SignInTool } from '../core/signin/signInPageCommands';
import { redactSecrets } from '../core/redact';

/** A sign-in nobody completes (a browser left open, a device code never entered) ends after this long. */
const SIGN_IN_LIMIT_MS = 15 * 60_000;
/** How long a cancelled tool gets to exit after SIGINT before SIGTERM, and after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** What the terminal keeps of the output for the failure's explanation (the end is what matters). */
const OUTPUT_LIMIT = 256 * 1024;
/** A partial line (a prompt) is shown after this pause; whole lines at once, so redaction sees a token whole. */
const PARTIAL_LINE_MS = 80;

export interface SignInOutcome {
  readonly state: 'succeeded' | 'failed' | 'cancelled';
  readonly exitCode: number | null;
  readonly failure: SignInFailure | null;
}

export interface SignInTerminalOptions {
  /** The terminal's title, e.g. "az login". */
  readonly title: string;
  readonly steps: readonly SignInStep[];
  readonly env: Readonly<Record<string, string>>;
  /** The account the password is asked for (password sign-ins). */
  readonly username: string | null;
  /** Secret values known from the environment, for redaction of what the tool prints. */
  readonly secrets: readonly string[];
  readonly log: vscode.LogOutputChannel;
  readonly onDeviceCode: (prompt: DeviceCodePrompt) => void;
  readonly onWaitingForInput: (waiting: boolean) => void;
  /** Show the terminal with the focus (a password is typed there). */
  readonly focus: boolean;
}

export interface SignInTerminalRun {
  readonly done: Promise<SignInOutcome>;
  cancel(): void;
}

/** The executable `program` names on the PATH of `env`, or undefined. */
export function findExecutable(program: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const windows = process.platform === 'win32';
  const extensions = windows ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  const candidates = (dir: string) => (windows && /\.[a-z0-9]+$/i.test(program) ? [join(dir, program)] : extensions.map((e) => join(dir, program + e)));
  const dirs = isAbsolute(program) ? [''] : (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    for (const file of isAbsolute(program) ? [program] : candidates(dir)) {
      try {
        if (!statSync(file).isFile()) continue;
        if (!windows) accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** What the log says about a step: the command without the password (which is never in `args` anyway). */
function describeStep(step: SignInStep): string {
  return [step.program, ...step.args, ...(step.askPassword ? ['--password=<typed in the terminal>'] : [])].join(' ');
}

/**
 * A terminal that runs a sign-in itself: each step is spawned with an argument vector (no shell), its output is shown
 * (redacted, line by line) and kept for the explanation of a failure, and what the developer types goes to the tool's
 * standard input with a local line editor (the tool has no terminal of its own, so nothing would echo). A password is
 * read by the terminal with echo off and passed to az as `--password=<value>` (one word, whatever it starts with);
 * it is neither shown, logged nor kept. Ctrl+C, closing the terminal or Cancel on the page stop the tool.
 */
class SignInPseudoterminal implements vscode.Pseudoterminal {
  private readonly writer = new vscode.EventEmitter<string>();
  private readonly closer = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writer.event;
  readonly onDidClose = this.closer.event;
  private child: ChildProcess | undefined;
  private output = '';
  private line = '';
  private password: { resolve: (value: string | undefined) => void; typed: string } | undefined;
  /** Passwords typed in this terminal: redacted from the output like the environment's secrets. */
  private readonly typedSecrets: string[] = [];
  private secrets(): readonly string[] {
    return [...this.options.secrets, ...this.typedSecrets];
  }
  private pending = '';
  private pendingTimer: NodeJS.Timeout | undefined;
  private cancelled = false;
  private timedOut = false;
  private finished = false;
  private deviceCodeSeen = false;
  private limit: NodeJS.Timeout | undefined;
  private resolveDone: (outcome: SignInOutcome) => void = () => undefined;
  readonly done = new Promise<SignInOutcome>((resolve) => { this.resolveDone = resolve; });

  constructor(private readonly options: SignInTerminalOptions) {}

  open(): void {
    this.limit = setTimeout(() => { this.timedOut = true; this.stop(); }, SIGN_IN_LIMIT_MS);
    void this.runAll();
  }

  close(): void {
    // The developer closed the terminal: a running sign-in stops with it.
    if (!this.finished) this.cancel();
  }

  cancel(): void {
    if (this.finished) return;
    this.cancelled = true;
    this.stop();
  }

  private stop(): void {
    if (this.password) {
      const { resolve } = this.password;
      this.password = undefined;
      resolve(undefined);
    }
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.signal(child, 'SIGINT');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) this.signal(child, 'SIGTERM');
      setTimeout(() => { if (child.exitCode === null && child.signalCode === null) this.signal(child, 'SIGKILL'); }, KILL_GRACE_MS).unref();
    }, KILL_GRACE_MS).unref();
  }

  /** Signals the tool's whole process group: a wrapper script and the program it started stop together. */
  private signal(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      child.kill(signal);
    }
  }

  handleInput(data: string): void {
    if (this.finished) {
      // "Press any key to close".
      this.closer.fire();
      return;
    }
    for (const ch of data) {
      if (ch === '\x03') { this.write('^C\r\n'); this.cancel(); return; }
      if (this.password) this.passwordKey(ch);
      else if (this.child?.stdin?.writable) this.lineKey(ch);
    }
  }

  private passwordKey(ch: string): void {
    const prompt = this.password!;
    if (ch === '\r' || ch === '\n') {
      this.password = undefined;
      this.write('\r\n');
      prompt.resolve(prompt.typed);
    } else if (ch === '\x7f' || ch === '\b') {
      prompt.typed = prompt.typed.slice(0, -1);
    } else if (ch >= ' ') {
      prompt.typed += ch;
    }
  }

  private lineKey(ch: string): void {
    const stdin = this.child!.stdin!;
    if (ch === '\r' || ch === '\n') {
      this.write('\r\n');
      stdin.write(`${this.line}\n`);
      this.line = '';
    } else if (ch === '\x7f' || ch === '\b') {
      if (this.line) { this.line = this.line.slice(0, -1); this.write('\b \b'); }
    } else if (ch === '\x04') {
      stdin.end();
    } else if (ch >= ' ') {
      this.line += ch;
      this.write(ch);
    }
  }

  private write(text: string): void {
    this.writer.fire(text);
  }

  /** Shows tool output: whole lines at once (redacted), a trailing partial line (a prompt) after a short pause. */
  private show(text: string): void {
    // Kept for the failure's explanation, which reaches the page: redacted like what the terminal shows.
    this.output = (this.output + redactSecrets(text, this.secrets())).slice(-OUTPUT_LIMIT);
    if (!this.deviceCodeSeen) {
      const prompt = deviceCodeIn(this.output);
      if (prompt) { this.deviceCodeSeen = true; this.options.onDeviceCode(prompt); }
    }
    this.pending += text;
    const cut = this.pending.lastIndexOf('\n');
    if (cut >= 0) {
      this.flush(this.pending.slice(0, cut + 1));
      this.pending = this.pending.slice(cut + 1);
    }
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    if (this.pending) this.pendingTimer = setTimeout(() => { this.flush(this.pending); this.pending = ''; }, PARTIAL_LINE_MS);
  }

  private flush(text: string): void {
    if (!text) return;
    this.write(redactSecrets(text, this.secrets()).replace(/\r?\n/g, '\r\n'));
  }

  private askPassword(): Promise<string | undefined> {
    this.write(this.options.username ? vscode.l10n.t('Password for {0}: ', this.options.username) : vscode.l10n.t('Password for the account: '));
    this.options.onWaitingForInput(true);
    return new Promise((resolve) => {
      this.password = { resolve: (value) => { this.options.onWaitingForInput(false); resolve(value); }, typed: '' };
    });
  }

  private async runAll(): Promise<void> {
    let exitCode: number | null = 0;
    let notFound = false;
    let failedTool: SignInTool = this.options.steps[0]?.program ?? 'az';
    for (const step of this.options.steps) {
      failedTool = step.program;
      let args = [...step.args];
      if (step.askPassword) {
        const password = await this.askPassword();
        if (password === undefined || this.cancelled) { exitCode = null; break; }
        // One word with its option: a password that starts with '-' cannot be read as another option.
        args = [...args, `--password=${password}`];
        // A tool that repeats its arguments (an error quoting the command line) must not show the password.
        if (password) this.typedSecrets.push(password);
      }
      this.write(`\x1b[2m> ${describeStep(step)}\x1b[0m\r\n`);
      this.options.log.info(`Sign-in: running ${describeStep(step)}`);
      const result = await this.spawnStep(step.program, args);
      exitCode = result.exitCode;
      notFound = result.notFound;
      if (exitCode !== 0 || this.cancelled || this.timedOut) break;
    }
    if (this.pending) { this.flush(this.pending); this.pending = ''; }
    if (this.limit) clearTimeout(this.limit);
    const failure = explainSignInFailure({
      tool: failedTool, output: this.output, exitCode, cancelled: this.cancelled, timedOut: this.timedOut, notFound,
    }) ?? null;
    const state = failure === null ? 'succeeded' : this.cancelled ? 'cancelled' : 'failed';
    this.finished = true;
    this.options.onWaitingForInput(false);
    const title = failure?.title ?? vscode.l10n.t('The sign-in failed');
    const summary = state === 'succeeded' ? vscode.l10n.t('Signed in.') : failure?.code ? vscode.l10n.t('{0} ({1}).', title, failure.code) : vscode.l10n.t('{0}.', title);
    this.write(`\r\n\x1b[1m${summary}\x1b[0m ${vscode.l10n.t('Press any key to close this terminal.')}\r\n`);
    this.options.log.info(`Sign-in ${this.options.title}: ${state}${exitCode !== null ? ` (exit code ${exitCode})` : ''}${failure?.code ? `, ${failure.code}` : ''}`);
    this.output = '';
    this.resolveDone({ state, exitCode, failure });
  }

  private spawnStep(program: SignInTool, args: readonly string[]): Promise<{ exitCode: number | null; notFound: boolean }> {
    const executable = findExecutable(program, this.options.env);
    if (!executable) return Promise.resolve({ exitCode: null, notFound: true });
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = spawn(executable, args, {
          env: this.options.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true,
          // Its own process group, so that a cancel reaches a wrapper script's children too.
          detached: process.platform !== 'win32',
        });
      } catch {
        resolve({ exitCode: null, notFound: true });
        return;
      }
      this.child = child;
      const out = new StringDecoder('utf8');
      const err = new StringDecoder('utf8');
      child.stdout?.on('data', (chunk: Buffer) => this.show(out.write(chunk)));
      child.stderr?.on('data', (chunk: Buffer) => this.show(err.write(chunk)));
      child.stdin?.on('error', () => undefined);
      child.on('error', (error: NodeJS.ErrnoException) => resolve({ exitCode: null, notFound: error.code === 'ENOENT' || error.code === 'EACCES' }));
      child.on('close', (code) => {
        this.child = undefined;
        this.show(out.end() + err.end());
        resolve({ exitCode: code, notFound: false });
      });
    });
  }

}

/**
 * Windows installs az and azd as batch files, which Node does not start without a shell. There the sign-in step runs
 * as the terminal's own process, as VS Code starts it (still an argument vector); the outcome is its exit code alone.
 */
function runInPlainTerminal(options: SignInTerminalOptions, executable: string): SignInTerminalRun {
  const step = options.steps.at(-1)!;
  if (step.askPassword) {
    const failure = { code: null, title: vscode.l10n.t('Not available here'), meaning: vscode.l10n.t('A username-and-password sign-in needs the terminal of Azure Dev Auth, which cannot start a batch file.'), fix: vscode.l10n.t('Sign in with the browser or a device code.'), retryWith: 'device-code' as const, detail: null };
    return { done: Promise.resolve({ state: 'failed', exitCode: null, failure }), cancel: () => undefined };
  }
  const terminal = vscode.window.createTerminal({
    name: vscode.l10n.t('Azure Dev Auth: {0}', options.title), shellPath: executable, shellArgs: [...step.args], env: options.env, iconPath: new vscode.ThemeIcon('sign-in'), isTransient: true,
  });
  terminal.show(!options.focus);
  const done = new Promise<SignInOutcome>((resolve) => {
    const listener = vscode.window.onDidCloseTerminal((closed) => {
      if (closed !== terminal) return;
      listener.dispose();
      const code = closed.exitStatus?.code ?? null;
      const failure = explainSignInFailure({ tool: step.program, output: '', exitCode: code, cancelled: code === null, timedOut: false, notFound: false }) ?? null;
      resolve({ state: failure === null ? 'succeeded' : code === null ? 'cancelled' : 'failed', exitCode: code, failure });
    });
  });
  return { done, cancel: () => terminal.dispose() };
}

/** Starts a sign-in in a new terminal; the result resolves when the last step ends (or the sign-in is cancelled). */
export function runSignInTerminal(options: SignInTerminalOptions): SignInTerminalRun {
  const last = options.steps.at(-1);
  const executable = last ? findExecutable(last.program, options.env) : undefined;
  if (process.platform === 'win32' && executable && /\.(cmd|bat)$/i.test(executable)) return runInPlainTerminal(options, executable);
  const pty = new SignInPseudoterminal(options);
  const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('Azure Dev Auth: {0}', options.title), pty, iconPath: new vscode.ThemeIcon('sign-in'), isTransient: true });
  terminal.show(!options.focus);
  return { done: pty.done, cancel: () => pty.cancel() };
}
