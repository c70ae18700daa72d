import * as vscode from 'vscode';
import { OUTPUT_CHANNEL_NAME } from './ids';

/**
 * The extension's one log. A LogOutputChannel so users can raise or lower its level from the Output view.
 * Callers pass facts (timings, outcomes, claims); tokens and secrets never reach it.
 */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
}
