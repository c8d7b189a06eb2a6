import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { VIEW_ID } from '../ids';

/** A status bar item that counts the tokens, across all tenants, that need renewal; hidden when none does. */
export class ExpiryStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('intuneVpp.expiryStatus', vscode.StatusBarAlignment.Left, 0);

  constructor() {
    this.item.name = l10n.t('Intune VPP token expiry');
    this.item.command = `${VIEW_ID}.focus`;
  }

  show(names: readonly string[]): void {
    if (names.length === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(warning) ${names.length === 1 ? l10n.t('1 VPP token needs renewal') : l10n.t('{0} VPP tokens need renewal', names.length)}`;
    this.item.tooltip = names.slice(0, 20).join('\n') + (names.length > 20 ? `\n${l10n.t('and {0} more', names.length - 20)}` : '');
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
