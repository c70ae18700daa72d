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

  async allow(host: string): Promise<void> {
    if (this.has(host)) return;
    await this.state.update(StateKeys.allowedHosts, [...this.list(), normalize(host)]);
    await this.publishContext();
    this.changed.fire(this.list());
  }

  /** Forgets every allowed host; returns the ones that were allowed. */
  async forget(): Promise<readonly string[]> {
    const was = this.list();
    await this.state.update(StateKeys.allowedHosts, undefined);
    await this.publishContext();
    if (was.length) this.changed.fire([]);
    return was;
  }

  private async publishContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', ContextKeys.hasAllowedHosts, this.list().length > 0);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** Host names compare case-insensitively. */
function normalize(host: string): string {
  return host.trim().toLowerCase();
}
