// Localisation checks: every string in code is in the English bundle, every key in both languages with the same
// placeholders, every manifest %key% translated, and no user-visible string in code bypasses l10n.t.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../paths';

const read = (file: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8')) as Record<string, string>;
const placeholders = (text: string) => (text.match(/\{\d+\}/g) ?? []).sort();
const commandLinks = (text: string) => (text.match(/\]\((command:[^)]+)\)/g) ?? []).map((link) => link.slice(2, -1)).sort();

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
    );
}

describe('localisation', () => {
  it('l10n/bundle.l10n.json holds exactly the strings in the code (regenerate with npm run l10n)', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'intune-vpp-l10n-'));
    try {
      const cli = path.join(PROJECT_ROOT, 'node_modules', '@vscode', 'l10n-dev', 'dist', 'cli.js');
      const result = spawnSync(process.execPath, [cli, 'export', '--outDir', out, path.join(PROJECT_ROOT, 'src')], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const fresh = Object.keys(JSON.parse(fs.readFileSync(path.join(out, 'bundle.l10n.json'), 'utf8')) as object).sort();
      assert.deepEqual(Object.keys(read('l10n/bundle.l10n.json')).sort(), fresh);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('every code string has a Russian translation with the same placeholders', () => {
    const english = read('l10n/bundle.l10n.json');
    const russian = read('l10n/bundle.l10n.ru.json');
    assert.deepEqual(Object.keys(russian).sort(), Object.keys(english).sort());
    for (const [key, value] of Object.entries(russian)) {
      assert.ok(value.trim(), `empty translation for ${key}`);
      assert.deepEqual(placeholders(value), placeholders(key), key);
    }
  });

  it('every manifest %key% is in package.nls.json and package.nls.ru.json, links and all', () => {
    const manifest = fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8');
    const keys = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((match) => match[1]);
    const english = read('package.nls.json');
    const russian = read('package.nls.ru.json');
    assert.deepEqual(
      keys.filter((key) => !(key in english)),
      [],
    );
    assert.deepEqual(Object.keys(russian).sort(), Object.keys(english).sort());
    assert.deepEqual(
      Object.keys(english).filter((key) => !keys.includes(key)),
      [],
      'no unused manifest strings',
    );
    for (const [key, value] of Object.entries(russian)) {
      assert.deepEqual(commandLinks(value), commandLinks(english[key]), key);
    }
    const parsed = JSON.parse(manifest) as { contributes: { commands: { title: string }[] } };
    assert.ok(
      parsed.contributes.commands.every((command) => /^%.+%$/.test(command.title)),
      'command titles are localised',
    );
  });

  it('no user-visible string in the code bypasses l10n.t', () => {
    /** Calls whose text arguments a person reads; `log.*` is for the log and stays English. */
    const uiCalls = new Set(['info', 'error', 'confirm', 'inputSecret', 'withProgress', 'showReport', 'report']);
    const errorTypes = new Set(['VppError', 'ConfigurationError', 'CancelledError', 'TreeItem']);
    const uiProperties = new Set(['label', 'description', 'detail', 'title', 'placeHolder', 'tooltip', 'message', 'prompt']);
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join(PROJECT_ROOT, 'src'))) {
      const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      /** A literal with words in it; a template's words are in its literal parts, not in what it interpolates. */
      const isText = (node: ts.Node) => {
        const words =
          ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)
            ? node.text
            : ts.isTemplateExpression(node)
              ? node.head.text + node.templateSpans.map((span) => span.literal.text).join('')
              : '';
        return /[A-Za-z]{2}/.test(words);
      };
      const report = (node: ts.Node) => {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        offenders.push(`${path.relative(PROJECT_ROOT, file)}:${line + 1}: ${node.getText().slice(0, 80)}`);
      };
      const visit = (node: ts.Node) => {
        if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
          const receiver = node.expression.expression.getText();
          if (uiCalls.has(node.expression.name.text) && !/log$/i.test(receiver) && !/console/.test(receiver)) {
            node.arguments.filter(isText).forEach(report);
          }
        }
        if (ts.isNewExpression(node)) {
          const name = node.expression.getText().split('.').pop() ?? '';
          if (errorTypes.has(name)) {
            (node.arguments ?? [])
              .slice(name === 'VppError' ? 1 : 0, name === 'VppError' ? 2 : 1)
              .filter(isText)
              .forEach(report);
          }
        }
        if (ts.isPropertyAssignment(node) && uiProperties.has(node.name.getText()) && isText(node.initializer)) {
          report(node.initializer);
        }
        if (
          ts.isBinaryExpression(node) &&
          node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          ts.isPropertyAccessExpression(node.left) &&
          uiProperties.has(node.left.name.text) &&
          isText(node.right)
        ) {
          report(node.right);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(offenders, []);
  });
});
