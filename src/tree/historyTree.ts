import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { COMMANDS, CONTEXT_KEYS } from '../ids';
import {
  entryFields,
  filterHistory,
  groupByDay,
  HISTORY_PAGE,
  HistoryFilter,
  HistoryState,
  operationLabel,
  stateLabel,
  stateOf,
  targetLabel,
} from '../journal/history';
import { entriesOf, JournalEntry } from '../journal/journalEntries';
import { JournalReading, logSkipped } from '../journal/journalFile';
import { Logger } from '../log';
import { plainText } from '../text';
import { commandOf } from './commandArgs';
import { tooltipOf } from './treeItems';

export type HistoryNode =
  | { readonly kind: 'day'; readonly day: string; readonly entries: readonly JournalEntry[] }
  | { readonly kind: 'entry'; readonly entry: JournalEntry }
  | { readonly kind: 'more'; readonly left: number };

const STATE_ICONS: Record<HistoryState, [string, string | undefined]> = {
  accepted: ['pass', 'testing.iconPassed'],
  failed: ['error', 'list.errorForeground'],
  unconfirmed: ['question', 'list.warningForeground'],
  cancelled: ['circle-slash', undefined],
  pending: ['watch', 'list.warningForeground'],
};

/** Waits this long after a record before redrawing: a bulk run of 300 writes redraws a few times, not 900. */
const REDRAW_DELAY_MS = 500;

/**
 * The History view: the journal, newest first, grouped by day, a page at a time. It reads the journal when first
 * shown and after records were appended, never while hidden; the rendering holds one page, not the journal.
 */
export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private entries: Promise<JournalEntry[]> | undefined;
  private shown = HISTORY_PAGE;
  private filter: HistoryFilter | undefined;
  private redraw: ReturnType<typeof setTimeout> | undefined;
  private view: vscode.TreeView<HistoryNode> | undefined;
  private readonly changed = new vscode.EventEmitter<HistoryNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly read: () => Promise<JournalReading>,
    private readonly log: Logger,
  ) {}

  attach(view: vscode.TreeView<HistoryNode>): void {
    this.view = view;
  }

  /** Reads the journal again on the next draw. */
  refresh(): void {
    this.entries = undefined;
    this.changed.fire(undefined);
  }

  /** After a record: redraws once the burst of records is over. */
  recorded(): void {
    clearTimeout(this.redraw);
    this.redraw = setTimeout(() => this.refresh(), REDRAW_DELAY_MS);
  }

  setFilter(filter: HistoryFilter | undefined): void {
    this.filter = filter;
    this.shown = HISTORY_PAGE;
    if (this.view) {
      this.view.description = filter?.label;
    }
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.historyFiltered, filter !== undefined);
    this.changed.fire(undefined);
  }

  showMore(): void {
    this.shown += HISTORY_PAGE;
    this.changed.fire(undefined);
  }

  /** Every entry of the journal, oldest first. */
  all(): Promise<JournalEntry[]> {
    this.entries ??= this.read().then((reading) => {
      logSkipped(this.log, reading);
      return entriesOf(reading.records).entries;
    });
    return this.entries;
  }

  /** The entries the view shows now (all pages), newest first. */
  async filtered(): Promise<JournalEntry[]> {
    return filterHistory(await this.all(), this.filter);
  }

  async getChildren(node?: HistoryNode): Promise<HistoryNode[]> {
    if (!node) {
      const kept = await this.filtered();
      const page = kept.slice(0, this.shown);
      const days: HistoryNode[] = groupByDay(page).map(({ day, entries }) => ({ kind: 'day', day, entries }));
      return kept.length > page.length ? [...days, { kind: 'more', left: kept.length - page.length }] : days;
    }
    return node.kind === 'day' ? node.entries.map((entry) => ({ kind: 'entry', entry })) : [];
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    if (node.kind === 'day') {
      const item = new vscode.TreeItem(node.day, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `day:${node.day}`;
      item.description = node.entries.length === 1 ? l10n.t('1 write') : l10n.t('{0} writes', node.entries.length);
      item.iconPath = new vscode.ThemeIcon('calendar');
      return item;
    }
    if (node.kind === 'more') {
      const item = new vscode.TreeItem(l10n.t('Show {0} More…', Math.min(HISTORY_PAGE, node.left)));
      item.description = l10n.t('{0} older writes', node.left);
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = commandOf(l10n.t('Show More'), COMMANDS.showMoreHistory);
      return item;
    }
    const { entry } = node;
    const state = stateOf(entry);
    const item = new vscode.TreeItem(`${operationLabel(entry.intent.operation)} · ${targetLabel(entry)}`);
    item.id = `write:${entry.intent.write}`;
    const time = new Date(entry.intent.at);
    const clock = `${String(time.getHours()).padStart(2, '0')}:${String(time.getMinutes()).padStart(2, '0')}`;
    // Intune's own state of the write ("active", "done", "failed") beside the extension's, once it reported one.
    const intuneState = entry.outcome?.result ? plainText(entry.outcome.result.split(' · ')[0], 20) : undefined;
    item.description = [clock, stateLabel(state), intuneState, plainText(entry.intent.tenant.label, 40)].filter(Boolean).join(' · ');
    const [icon, color] = STATE_ICONS[state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = tooltipOf(entryFields(entry));
    item.contextValue = 'historyEntry';
    item.accessibilityInformation = {
      label: `${operationLabel(entry.intent.operation)}, ${targetLabel(entry)}, ${entry.intent.at}, ${stateLabel(state)}`,
    };
    return item;
  }

  dispose(): void {
    clearTimeout(this.redraw);
    this.changed.dispose();
  }
}
