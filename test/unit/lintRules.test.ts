import * as assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { configs } from 'typescript-eslint';
import { PROJECT_ROOT } from '../paths';

/**
 * The project's own lint rules, run on code that breaks them: the layer rule (at any folder depth) and the length
 * of a function. Type-aware rules are off here, so that a file that does not exist can be linted from text.
 */
describe('The lint rules of src', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: PROJECT_ROOT, overrideConfig: [configs.disableTypeChecked] });

  async function messages(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: `${PROJECT_ROOT}/${filePath}` });
    return result.messages.map((message) => `${message.ruleId ?? '-'}: ${message.message}`);
  }

  const layerRefusal = (spec: string) =>
    `no-restricted-imports: '${spec}' import is restricted from being used by a pattern. The layers of src go config → ui → graph → journal → auth → tenants → store → tree → alerts → overview → commands → chat; a layer imports only the ones before it.`;

  it('refuses an import of a later layer from a subfolder of an earlier one, at any depth', async () => {
    assert.deepEqual(
      await messages(
        'src/graph/probe/deeper/probe.ts',
        "import { tokenTree } from '../../../commands/context';\nexport const x = tokenTree;\n",
      ),
      [layerRefusal('../../../commands/context')],
    );
    assert.deepEqual(await messages('src/commands/tokens/probe.ts', "import { x } from '../../chat/chatTool';\nexport const y = x;\n"), [
      layerRefusal('../../chat/chatTool'),
    ]);
    assert.deepEqual(await messages('src/tree/probe.ts', "import { x } from '../alerts/expiryAlerts';\nexport const y = x;\n"), [
      layerRefusal('../alerts/expiryAlerts'),
    ]);
  });

  it('lets a subfolder import its own layer and the ones before it', async () => {
    assert.deepEqual(
      await messages(
        'src/commands/tokens/probe.ts',
        "import { a } from '../context';\nimport { b } from '../../tree/treeNodes';\nimport { c } from '../licenses/syncLicenses';\nexport const d = [a, b, c];\n",
      ),
      [],
    );
  });

  it('keeps the webview bundle to the Overview chart code: no VS Code API, no host module', async () => {
    const refusal = (spec: string) =>
      `no-restricted-imports: '${spec}' import is restricted from being used by a pattern. The webview bundle holds only the Overview chart code (overviewCharts, overviewModel, overviewProtocol).`;
    const probe = (file: string, spec: string) => messages(file, `import * as x from '${spec}';\nexport const y = x;\n`);
    assert.deepEqual(await probe('src/overview/webview/probe.ts', 'vscode'), [refusal('vscode')]);
    assert.deepEqual(await probe('src/overview/webview/probe.ts', '../overviewData'), [refusal('../overviewData')]);
    assert.deepEqual(await probe('src/overview/overviewCharts.ts', '@vscode/l10n'), [refusal('@vscode/l10n')]);
    assert.deepEqual(await probe('src/overview/webview/probe.ts', '../overviewCharts'), []);
    assert.deepEqual(await probe('src/overview/overviewData.ts', '@vscode/l10n'), [], 'the host side may use the host');
  });

  it('refuses a function of more than 60 lines in src, not counting blank lines and comments', async () => {
    const body = (lines: number) => Array.from({ length: lines }, (_, index) => `  const _v${index} = ${index};`).join('\n');
    const fits = `export function fits(): void {\n${body(58)}\n\n  // a comment\n}\n`;
    const tooLong = `export function tooLong(): void {\n${body(59)}\n}\n`;
    assert.deepEqual(await messages('src/graph/probe.ts', fits), []);
    assert.deepEqual(await messages('src/graph/probe.ts', tooLong), [
      "max-lines-per-function: Function 'tooLong' has too many lines (61). Maximum allowed is 60.",
    ]);
  });
});
