import assert from 'node:assert/strict';
import { describeInVSCode } from '../harness/e2e';

// With the startup check off, the chain view has nothing to show until asked, so both welcomes are visible.
const suite = describeInVSCode({ settings: { 'azureDevAuth.checkOnStartup': false } });

suite.test('the activity-bar container shows both views with their welcome content', async () => {
  const { vscode } = suite;
  const chainWelcome = await vscode.welcomeText('Credential Chain');
  assert.match(chainWelcome, /DefaultAzureCredential source your Python code will use/);
  assert.match(chainWelcome, /Check Credential Chain/);
  const accessWelcome = await vscode.welcomeText('Access');
  assert.match(accessWelcome, /role assignments/);
  assert.match(accessWelcome, /Sign In/);
  await vscode.statusBarItem('azureDevAuth.status');
  await vscode.screenshot('views-welcome');
});

suite.test('the status-bar item is there', async () => {
  const item = await suite.vscode.statusBarItem('azureDevAuth.status');
  assert.match(item.text, /Azure Dev Auth/);
  assert.ok(item.icons.includes('azure'), `icons: ${item.icons.join(',')}`);
});

suite.test('a command runs from the palette: Show Log opens the extension\'s output channel', async () => {
  const { vscode } = suite;
  await vscode.runCommand('Azure Dev Auth: Show Log');
  const output = await vscode.outputText();
  assert.match(output, /Azure Dev Auth 0\.1\.0 activated/);
});
