import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, delimiter, dirname, join } from 'node:path';
import { TRACE_FILE_KEY, TRACED_DEBUG_TYPES, TRACING_KEY, tracedVariants, withTracing } from '../../core/code/traceLaunch';
import { readTrace, traceLogLines, traceRows } from '../../core/code/traceRun';
import { TRACE_FILE_VARIABLE, TRACE_SITECUSTOMIZE } from '../../core/code/traceSitecustomize';
import type { RowModel } from '../../core/presentation/snapshotView';
import { CommandError, registerCommand } from '../commands/registerCommand';
import type { CommandContext } from '../commands/context';
import { Commands } from '../ids';
import type { PythonEnvironment } from '../pythonEnvironment';
import { readSettings } from '../settings';

/** Trace files kept in storage: the last few runs, the older ones deleted when a run starts. */
const KEPT_RUNS = 10;
/** While a program runs its trace is read again this often, so that the view follows the run. */
const POLL_MS = 1000;

/** The Credential Chain view's part for traced runs (rows after the chain's own). */
export interface TraceRowsSink {
  showTrace(rows: readonly RowModel[]): void;
  /** The trace's headline row, for reveal(). */
  traceHeadline(): unknown;
}

/**
 * A run that tells: a Python program run with the product's sitecustomize first on PYTHONPATH, whose trace (which
 * credential served each token request, for which scopes and tenant, as whom) is shown in the Credential Chain view
 * while it runs and in the log when it ends. Two ways in: Run Python File with Azure Dev Auth Tracing (an integrated
 * terminal running the interpreter with an argument vector) and a debug configuration that wraps the user's own.
 */
export class TracedRuns implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** The run shown in the view (the last one started). */
  private shown: string | undefined;

  constructor(
    private readonly ctx: CommandContext,
    private readonly python: PythonEnvironment,
    private readonly storage: vscode.Uri,
    private readonly view: TraceRowsSink,
    private readonly chainView: vscode.TreeView<unknown>,
  ) {}

  private get folder(): string { return join(this.storage.fsPath, 'trace', 'python'); }
  private get runs(): string { return join(this.storage.fsPath, 'trace', 'runs'); }

  /** Writes the sitecustomize (again, in case an older version is there) and names a fresh trace file. */
  async prepare(): Promise<string> {
    await mkdir(this.folder, { recursive: true });
    await mkdir(this.runs, { recursive: true });
    await writeFile(join(this.folder, 'sitecustomize.py'), TRACE_SITECUSTOMIZE, { mode: 0o600 });
    const old = (await readdir(this.runs)).filter((f) => f.endsWith('.jsonl')).sort();
    await Promise.all(old.slice(0, Math.max(0, old.length - KEPT_RUNS + 1)).map((f) => rm(join(this.runs, f), { force: true })));
    const file = join(this.runs, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.jsonl`);
    await writeFile(file, '', { mode: 0o600 });
    return file;
  }

  /** Follows a run's trace file until `ended` resolves, then shows and logs the result. */
  follow(traceFile: string, program: string, ended: Promise<void>): void {
    this.shown = traceFile;
    let last = '';
    const show = async (final: boolean): Promise<void> => {
      const text = await readFile(traceFile, 'utf8').catch(() => '');
      if (this.shown !== traceFile || (!final && text === last)) return;
      last = text;
      const trace = readTrace(text);
      const now = Date.now();
      this.view.showTrace(traceRows(trace, program, now, this.ctx.knownSecrets()));
      if (final) {
        for (const line of traceLogLines(trace, program, now, this.ctx.knownSecrets())) this.ctx.log.info(line);
        const row = this.view.traceHeadline();
        if (row) await this.chainView.reveal(row, { select: false, focus: false }).then(undefined, () => undefined);
      }
    };
    const timer = setInterval(() => { void show(false); }, POLL_MS);
    void show(false);
    void ended.finally(() => {
      clearInterval(timer);
      void show(true).catch((error: unknown) => this.ctx.log.warn(`The traced run could not be read: ${error instanceof Error ? error.message : String(error)}`));
    });
  }

  /** The interpreter a run in this folder uses: the same choice the chain's check makes. */
  private async interpreter(folder: vscode.WorkspaceFolder | undefined): Promise<string> {
    return (await this.python.interpreter(folder, readSettings(folder))).path;
  }

  /** Runs a Python file in an integrated terminal with tracing. */
  async runFile(arg: unknown): Promise<void> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri || uri.scheme !== 'file' || !uri.fsPath.endsWith('.py')) throw new CommandError(vscode.l10n.t('Open a Python file (.py) to run it with tracing.'));
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document?.isDirty) await document.save();
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const python = await this.interpreter(folder);
    const traceFile = await this.prepare();
    const program = basename(uri.fsPath);
    const inherited = process.env.PYTHONPATH;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PYTHONPATH: inherited ? `${this.folder}${delimiter}${inherited}` : this.folder,
      [TRACE_FILE_VARIABLE]: traceFile,
      // The terminal is not a TTY to the program: without this its output would arrive only when it ends.
      PYTHONUNBUFFERED: '1',
    };
    let endRun!: () => void;
    const ended = new Promise<void>((resolve) => { endRun = resolve; });
    const terminal = vscode.window.createTerminal({
      name: vscode.l10n.t('Traced: {0}', program),
      pty: new ProgramTerminal(python, [uri.fsPath], folder?.uri.fsPath ?? dirname(uri.fsPath), env, endRun),
      iconPath: new vscode.ThemeIcon('pulse'),
    });
    terminal.show();
    this.ctx.log.info(`Traced run of ${program} started with ${python}.`);
    this.follow(traceFile, program, ended);
  }

  register(): vscode.Disposable[] {
    // Offered in Run and Debug's list next to the user's own configurations (dynamic), and applied to any launch
    // configuration that asks for it (resolve, once the variables are substituted).
    const offer: vscode.DebugConfigurationProvider = {
      provideDebugConfigurations: (folder) => tracedVariants(vscode.workspace.getConfiguration('launch', folder?.uri).get<unknown[]>('configurations') ?? []),
    };
    const apply: vscode.DebugConfigurationProvider = {
      resolveDebugConfigurationWithSubstitutedVariables: async (_folder, config) => {
        if (Reflect.get(config, TRACING_KEY) !== true || typeof Reflect.get(config, TRACE_FILE_KEY) === 'string') return config;
        const traceFile = await this.prepare();
        return withTracing({ ...config }, this.folder, traceFile, process.env.PYTHONPATH);
      },
    };
    const sessions = new Map<string, () => void>();
    this.disposables.push(
      registerCommand(this.ctx, Commands.runPythonFileWithTracing, (arg) => this.runFile(arg)),
      ...TRACED_DEBUG_TYPES.map((type) => vscode.debug.registerDebugConfigurationProvider(type, offer, vscode.DebugConfigurationProviderTriggerKind.Dynamic)),
      // Applied to any debugger's launch configuration that asks for it, as VS Code's own serverReadyAction is: a
      // Python program is often started by something else (a Node script, a task runner, a test harness) whose
      // debugger passes its environment on to it.
      vscode.debug.registerDebugConfigurationProvider('*', apply),
      vscode.debug.onDidStartDebugSession((session) => {
        const traceFile: unknown = Reflect.get(session.configuration, TRACE_FILE_KEY);
        if (typeof traceFile !== 'string' || sessions.has(session.id)) return;
        const ended = new Promise<void>((resolve) => sessions.set(session.id, resolve));
        const program: unknown = Reflect.get(session.configuration, 'program');
        this.follow(traceFile, typeof program === 'string' ? basename(program) : session.name, ended);
      }),
      vscode.debug.onDidTerminateDebugSession((session) => {
        sessions.get(session.id)?.();
        sessions.delete(session.id);
      }),
    );
    return [this];
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/**
 * The terminal of a traced run: the interpreter started with an argument vector (no shell reads the file's path),
 * its output shown as it comes, what is typed passed to it, and the exit said when it ends. The output stays until
 * the terminal is closed, which stops the program if it is still running.
 */
class ProgramTerminal implements vscode.Pseudoterminal {
  private readonly written = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.written.event;
  private child: ChildProcess | undefined;

  constructor(
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly onEnd: () => void,
  ) {}

  open(): void {
    const child = spawn(this.command, this.args, { cwd: this.cwd, env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    const out = (chunk: Buffer) => this.written.fire(chunk.toString('utf8').replace(/\r?\n/g, '\r\n'));
    child.stdout?.on('data', out);
    child.stderr?.on('data', out);
    child.on('error', (error) => {
      this.written.fire(`\r\nCould not start ${this.command}: ${error.message}\r\n`);
      this.onEnd();
    });
    child.on('close', (code, signal) => {
      this.written.fire(`\r\n[Azure Dev Auth] The traced run ended (${signal ? `signal ${signal}` : `exit code ${code ?? '?'}`}). The Credential Chain view shows what served its tokens.\r\n`);
      this.child = undefined;
      this.onEnd();
    });
  }

  handleInput(data: string): void {
    if (!this.child) return;
    if (data === '\u0003') { this.child.kill('SIGINT'); return; }
    const text = data.replace(/\r/g, '\n');
    this.written.fire(text.replace(/\n/g, '\r\n'));
    this.child.stdin?.write(text);
  }

  close(): void {
    this.child?.kill('SIGTERM');
    this.written.dispose();
  }
}
