// Watches the files that developer tools write when a developer signs in or out, so the chain is re-probed
// the moment `az login` / `az logout` / `azd auth login` / `Connect-AzAccount` finishes. Event-driven
// (inotify through fs.watch), no polling. Only the files that record sign-in state count: a probe itself runs
// `az account get-access-token`, which writes logs and refreshed tokens, and must not trigger another probe.
import { createHash } from 'node:crypto';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { readBoundedFile } from '../files/boundedRead';
import { join, relative, sep } from 'node:path';

export interface SignInLocation {
  /** Folder under HOME, e.g. ".azure". */
  readonly folder: string;
  /** Paths relative to the folder whose change means the sign-in state may have changed. */
  readonly files: RegExp;
  readonly tool: string;
}

/** Where each tool keeps its sign-in state (real file names, as the tools write them). */
export const SIGN_IN_LOCATIONS: readonly SignInLocation[] = [
  // az: the account list (emptied by `az logout`), the cloud config; the Azure Resources extension's auth record.
  { folder: '.azure', tool: 'Azure CLI / VS Code', files: /^(azureProfile\.json|clouds\.config|ms-azuretools\.vscode-azureresourcegroups[/\\]authRecord\.json)$/ },
  // azd: its config (default account) and its MSAL cache folder.
  { folder: '.azd', tool: 'Azure Developer CLI', files: /^(config\.json|auth\.json|auth[/\\].*)$/ },
  // Azure PowerShell: the saved context of Connect-AzAccount.
  { folder: '.Azure', tool: 'Azure PowerShell', files: /^(AzureRmContext\.json|AzureRmContextSettings\.json|TokenCache\.dat|msal\.cache.*)$/ },
  // The shared token cache (Visual Studio, older VS Code, azure-identity's own persistence).
  { folder: '.IdentityService', tool: 'Shared token cache', files: /^msal\.cache(\.nocae|\.cae)?$/ },
];

export interface SignInChange {
  readonly tool: string;
  readonly path: string;
}

/**
 * Calls `onChange` (debounced) when a sign-in file changes content, appears or disappears. Folders that do not
 * exist yet are picked up when they are created (HOME itself is watched, not recursively).
 */
export class SignInFileWatcher {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly fingerprints = new Map<string, string>();
  /** Per path, the fingerprint comparison in progress: events of one file are compared in the order they came. */
  private readonly comparing = new Map<string, Promise<void>>();
  private pending = new Map<string, SignInChange>();
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly home: string,
    private readonly onChange: (changes: readonly SignInChange[]) => void,
    private readonly debounceMs = 150,
    private readonly locations: readonly SignInLocation[] = SIGN_IN_LOCATIONS,
  ) {}

  start(): void {
    this.watchHome();
    for (const location of this.locations) this.watchLocation(location);
  }

  private watchHome(): void {
    try {
      const watcher = watch(this.home, { persistent: false }, (_event, name) => {
        const location = this.locations.find((l) => l.folder === String(name ?? ''));
        if (location) this.watchLocation(location, true);
      });
      watcher.on('error', () => undefined);
      this.watchers.set(this.home, watcher);
    } catch {
      // HOME that cannot be watched: manual refresh still works.
    }
  }

  private watchLocation(location: SignInLocation, folderEvent = false): void {
    if (this.disposed) return;
    const dir = join(this.home, location.folder);
    const existing = this.watchers.get(dir);
    if (!existsSync(dir)) {
      existing?.close();
      this.watchers.delete(dir);
      if (folderEvent) this.queue({ tool: location.tool, path: dir });
      return;
    }
    if (existing) return;
    try {
      const watcher = watch(dir, { persistent: false, recursive: true }, (_event, name) => {
        if (name === null) return;
        const rel = String(name);
        if (location.files.test(rel) || location.files.test(rel.split(sep).join('/'))) {
          this.consider({ tool: location.tool, path: join(dir, rel) });
        }
      });
      watcher.on('error', () => {
        watcher.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, watcher);
      this.snapshot(dir, location);
      if (folderEvent) this.queue({ tool: location.tool, path: dir });
    } catch {
      // The folder vanished between the check and the watch; HOME's watcher will see it come back.
    }
  }

  /** Remembers the current content of the watched files so that a rewrite with the same content is ignored. */
  private snapshot(dir: string, location: SignInLocation): void {
    for (const rel of ['azureProfile.json', 'config.json', 'AzureRmContext.json', 'msal.cache', 'msal.cache.nocae']) {
      if (!location.files.test(rel)) continue;
      const path = join(dir, rel);
      this.serially(path, async () => {
        const now = await fingerprint(path);
        if (!this.fingerprints.has(path)) this.fingerprints.set(path, now);
      });
    }
  }

  private consider(change: SignInChange): void {
    this.serially(change.path, async () => {
      const now = await fingerprint(change.path);
      if (this.disposed || this.fingerprints.get(change.path) === now) return;
      this.fingerprints.set(change.path, now);
      this.queue(change);
    });
  }

  /** Runs `step` after the previous step for the same path; files are read asynchronously, one at a time per path. */
  private serially(path: string, step: () => Promise<void>): void {
    const next = (this.comparing.get(path) ?? Promise.resolve()).then(step).catch(() => undefined);
    this.comparing.set(path, next);
    void next.then(() => { if (this.comparing.get(path) === next) this.comparing.delete(path); });
  }

  /** Resolves when every fingerprint comparison started so far has finished (tests wait on it). */
  async settled(): Promise<void> {
    while (this.comparing.size) await Promise.all([...this.comparing.values()]);
  }

  private queue(change: SignInChange): void {
    this.pending.set(change.path, change);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const changes = [...this.pending.values()];
      this.pending = new Map();
      this.timer = undefined;
      if (!this.disposed && changes.length) this.onChange(changes);
    }, this.debounceMs);
  }

  /** Folders currently watched, relative to HOME (for the log). */
  watchedFolders(): string[] {
    return [...this.watchers.keys()].map((d) => relative(this.home, d) || '~');
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

async function fingerprint(path: string): Promise<string> {
  // Bounded and asynchronous like every read of a file a tool or the environment names: a FIFO, a device or a file
  // beyond the limit reads as absent, and the extension host never waits on it.
  try {
    return createHash('sha256').update(await readBoundedFile(path, 'toolCache')).digest('hex');
  } catch {
    return 'absent';
  }
}
