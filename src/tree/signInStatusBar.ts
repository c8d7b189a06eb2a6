import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { summarizeSignIns, TenantSignIn } from './signInSummary';

/**
 * A status bar item, shown while the VPP Tokens view is visible, that says who is signed in to which tenant:
 * the view's own description is hidden when it is the only view of its container.
 */
export class SignInStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('intuneVpp.signInStatus', vscode.StatusBarAlignment.Left, 0);
  private readonly subscriptions: vscode.Disposable[];
  private signIns: readonly TenantSignIn[] | undefined;
  private visible: boolean;

  constructor(view: vscode.TreeView<unknown>, onDidChangeSignIns: vscode.Event<readonly TenantSignIn[]>) {
    this.item.name = l10n.t('Intune VPP sign-in');
    this.visible = view.visible;
    this.subscriptions = [
      view.onDidChangeVisibility((event) => {
        this.visible = event.visible;
        this.render();
      }),
      onDidChangeSignIns((signIns) => {
        this.signIns = signIns;
        this.render();
      }),
    ];
  }

  dispose(): void {
    vscode.Disposable.from(this.item, ...this.subscriptions).dispose();
  }

  private render(): void {
    if (!this.visible || !this.signIns) {
      this.item.hide();
      return;
    }
    const summary = summarizeSignIns(this.signIns);
    this.item.text = summary.text;
    this.item.tooltip = summary.tooltip;
    this.item.command = summary.command;
    this.item.show();
  }
}
