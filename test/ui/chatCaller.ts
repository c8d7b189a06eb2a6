import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createVSIX } from '@vscode/vsce';

/** The palette command of the helper extension that calls the revoke tool. */
export const INVOKE_REVOKE_TOOL = 'Intune VPP Tests: Ask the Revoke Licenses Tool';

/**
 * A helper extension for the UI tests: its palette command calls the extension's revoke tool through
 * `vscode.lm.invokeTool`, as chat does, so that VS Code shows its own confirmation of the call, which a person clicks.
 * No model is reachable offline, so this stands in for the one that would decide to call the tool. It shows the
 * tool's answer, or why it did not run, as a notification.
 */
const extensionSource = (input: object) => `
const vscode = require('vscode');
exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('intuneVppTests.invokeRevokeTool', async () => {
      const input = ${JSON.stringify(input)};
      try {
        const result = await vscode.lm.invokeTool('intuneVpp_revokeLicenses', { input, toolInvocationToken: undefined });
        const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
        void vscode.window.showInformationMessage('Tool result: ' + text);
      } catch (error) {
        void vscode.window.showWarningMessage('Tool not run: ' + error.message);
      }
    }),
  );
};
`;

/** Builds the helper's VSIX, which calls the tool with `input`, in a temporary folder; returns its path and a cleanup. */
export async function buildChatCallerVsix(input: object): Promise<{ vsix: string; dispose(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intune-vpp-chat-caller-'));
  const source = path.join(dir, 'extension');
  fs.mkdirSync(source);
  const manifest = {
    name: 'chat-caller',
    displayName: 'Intune VPP UI test helper',
    description: 'Calls the Intune VPP revoke tool as chat would; for the UI tests only.',
    version: '1.0.0',
    publisher: 'intune-vpp-tests',
    license: 'MIT',
    engines: { vscode: '^1.95.0' },
    main: './extension.js',
    contributes: { commands: [{ command: 'intuneVppTests.invokeRevokeTool', title: INVOKE_REVOKE_TOOL }] },
  };
  fs.writeFileSync(path.join(source, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(source, 'extension.js'), extensionSource(input));
  fs.writeFileSync(path.join(source, 'README.md'), 'Test helper: see package.json.\n');
  const vsix = path.join(dir, 'chat-caller.vsix');
  await createVSIX({ cwd: source, packagePath: vsix, dependencies: false, allowMissingRepository: true });
  return { vsix, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
