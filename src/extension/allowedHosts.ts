import * as vscode from 'vscode';
import { ContextKeys, StateKeys } from './ids';

/**
 * Authority hosts the developer allowed, per workspace, to receive a secret, federated token or assertion during
 * a check although they are neither Microsoft Entra nor loopback. Asked once per host (Check with <host>); kept in
 * workspaceState so another workspace with the same host asks again.
 */
export class AllowedHosts implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<readonly string[]>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {
    void this.publishContext();
  }

  list(): readonly string[] {
    const stored = this.state.get<unknown>(StateKeys.allowedHosts);
    return Array.isArray(stored) ? stored.filter((h): h is string => typeof h === 'string') : [];
  }

  has(host: string): boolean {
    return this.list().includes(normalize(host));
  }

  /**
   * Programs (absolute paths) the developer allowed a check to run although a PATH entry the workspace's .env adds
   * finds them (a repository's own bin/az): asked once per program, kept per workspace like the hosts.
   */
  programs(): readonly string[] {
    const stored = this.state.get<unknown>(StateKeys.allowedPrograms);
    return Array.isArray(stored) ? stored.filter((p): p is string => typeof p === 'string') : [];
  }

  async allowProgram(path: string): Promise<void> {
    if (this.programs().includes(path)) return;
    await this.state.update(StateKeys.allowedPrograms, [...this.programs(), path]);
    await this.publishContext();
    this.changed.fire(this.list());
  }

  async allow(host: string): Promise<void> {
    if (this.has(host)) return;
    await this.state.update(StateKeys.allowedHosts, [...this.list(), normalize(host)]);
    await this.publishContext();
    this.changed.fire(this.list());
  }

  /** Forgets every allowed host; returns the ones that were allowed. */
  async forget(): Promise<readonly string[]> {
    const was = [...this.list(), ...this.programs()];
    await this.state.update(StateKeys.allowedHosts, undefined);
    await this.state.update(StateKeys.allowedPrograms, undefined);
    await this.publishContext();
    if (was.length) this.changed.fire([]);
    return was;
  }

  private async publishContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', ContextKeys.hasAllowedHosts, this.list().length + this.programs().length > 0);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Host names compare case-insensitively. */
function normalize(host: string): string {
  return host.trim().toLowerCase();
}
