import type * as vscode from 'vscode';
import { Ports, ReplaceableUserInput } from './ui/userInput';
import { TreeNode } from './tree/treeNodes';
import { HistoryNode } from './tree/historyTree';
import { VppTokenTreeProvider } from './tree/vppTokenTreeProvider';
import { TenantStore } from './store/tenantStore';
import { TokensViewStatus } from './tree/tokensViewStatus';

/**
 * What the extension exports when VS Code runs it under test (ExtensionMode.Test) and never otherwise:
 * integration tests answer prompts with a script and read the tree as VS Code does.
 */
export interface IntuneVppTestApi {
  useUserInput(ui: Ports): vscode.Disposable;
  /** The tokens view's data; reading its roots lists every tenant again, as the view does after Refresh. */
  readonly tree: Pick<vscode.TreeDataProvider<TreeNode>, 'getChildren' | 'getTreeItem'>;
  /** What the view shows above its items, as a person reads it there. */
  viewMessage(): string | undefined;
  /** Runs the expiry check that activation and the daily timer run outside tests. */
  checkExpiry(): Promise<void>;
  /** The History view's items, as VS Code reads them. */
  readonly history: Pick<vscode.TreeDataProvider<HistoryNode>, 'getChildren' | 'getTreeItem'>;
}

export function createTestApi(
  ui: ReplaceableUserInput,
  tokens: {
    readonly store: TenantStore;
    readonly tree: VppTokenTreeProvider;
    readonly status: TokensViewStatus;
    readonly view: vscode.TreeView<TreeNode>;
  },
  checkExpiry: () => Promise<void>,
  history: Pick<vscode.TreeDataProvider<HistoryNode>, 'getChildren' | 'getTreeItem'>,
): IntuneVppTestApi {
  return {
    history: {
      getChildren: (node?: HistoryNode) => history.getChildren(node),
      getTreeItem: (node: HistoryNode) => history.getTreeItem(node),
    },
    useUserInput: (scripted) => ({ dispose: ui.replace(scripted) }),
    tree: {
      getChildren: async (node?: TreeNode) => {
        if (!node) {
          tokens.store.forgetListings();
        }
        const children = await tokens.tree.getChildren(node);
        // What surrounds the view (its message, context keys) follows the listing just read.
        await tokens.status.settled();
        return children;
      },
      getTreeItem: (node: TreeNode) => tokens.tree.getTreeItem(node),
    },
    viewMessage: () => tokens.view.message,
    checkExpiry,
  };
}
