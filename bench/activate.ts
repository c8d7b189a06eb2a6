import * as path from 'node:path';
import * as os from 'node:os';
// Measures, in a fresh process, how long dist/extension.js takes to compile alone, and to require and activate
// with a stand-in for the `vscode` module (which exists only inside VS Code). Prints {activateMs, compileMs}.
import * as fs from 'node:fs';
import Module from 'node:module';
import * as vm from 'node:vm';

const bundle = process.argv[2];

/** Any member, call or construction yields the stand-in again. */
function standIn(): unknown {
  const target = function () {
    return undefined;
  };
  const proxy: unknown = new Proxy(target, {
    get: (_target, property) => (property === 'then' ? undefined : proxy),
    set: () => true,
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

/** The `vscode` namespaces the extension touches while activating, each a stand-in; a few need real values. */
const vscode: Record<string, unknown> = Object.fromEntries(
  [
    'window',
    'workspace',
    'commands',
    'authentication',
    'lm',
    'Disposable',
    'EventEmitter',
    'TreeItem',
    'ThemeIcon',
    'ThemeColor',
    'MarkdownString',
    'Uri',
    'ProgressLocation',
    'TreeItemCollapsibleState',
    'StatusBarAlignment',
  ].map((name) => [name, standIn()]),
);
Object.assign(vscode, { l10n: { bundle: undefined }, env: { language: 'en' }, ExtensionMode: { Production: 1, Development: 2, Test: 3 } });

const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = moduleWithLoad._load;
moduleWithLoad._load = (request: string, ...rest: unknown[]) => (request === 'vscode' ? vscode : load(request, ...rest));

const source = fs.readFileSync(bundle, 'utf8');
let started = performance.now();
new vm.Script(source, { filename: 'compile-only.js' });
const compileMs = performance.now() - started;

started = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded as VS Code loads it, after the compile-only pass above
const extension = require(bundle) as { activate(context: unknown): unknown };
const subscriptions: { dispose?: () => unknown }[] = [];
extension.activate({
  subscriptions,
  extensionUri: standIn(),
  extensionMode: 1,
  secrets: standIn(),
  globalState: standIn(),
  // Where the journal of writes lives; activation only reads it (nothing was written there).
  globalStorageUri: { fsPath: path.join(os.tmpdir(), `intune-vpp-bench-activate-${process.pid}`) },
});
const activateMs = performance.now() - started;
// As VS Code does on deactivation: the daily expiry timer, among others, would otherwise keep this process alive.
for (const subscription of subscriptions) {
  subscription.dispose?.();
}
console.log(JSON.stringify({ activateMs, compileMs }));
