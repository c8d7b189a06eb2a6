/**
 * The ids the extension shares with `package.json`: commands, chat tools, the view and the context keys its `when` clauses read.
 * Imports nothing, so every layer may use it.
 */

/** The ids of the commands the extension registers (and `package.json` contributes). */
export const COMMANDS = {
  refresh: 'intuneVpp.refresh',
  signIn: 'intuneVpp.signIn',
  switchAccount: 'intuneVpp.switchAccount',
  signOut: 'intuneVpp.signOut',
  setClientSecret: 'intuneVpp.setClientSecret',
  setClientCertificate: 'intuneVpp.setClientCertificate',
  addTenant: 'intuneVpp.addTenant',
  importTenants: 'intuneVpp.importTenants',
  exportTenants: 'intuneVpp.exportTenants',
  exportReport: 'intuneVpp.exportReport',
  removeTenant: 'intuneVpp.removeTenant',
  revokeLicenses: 'intuneVpp.revokeLicenses',
  syncLicenses: 'intuneVpp.syncLicenses',
  addToken: 'intuneVpp.addToken',
  renewToken: 'intuneVpp.renewToken',
  editToken: 'intuneVpp.editToken',
  takeOverToken: 'intuneVpp.takeOverToken',
  retireToken: 'intuneVpp.retireToken',
  deleteToken: 'intuneVpp.deleteToken',
  revokeAppLicenses: 'intuneVpp.revokeAppLicenses',
  revokeAppLicense: 'intuneVpp.revokeAppLicense',
  copyTokenId: 'intuneVpp.copyTokenId',
  copyRevokeRequest: 'intuneVpp.copyRevokeRequest',
  showHistory: 'intuneVpp.showHistory',
  showTokenHistory: 'intuneVpp.showTokenHistory',
  filterHistory: 'intuneVpp.filterHistory',
  clearHistoryFilter: 'intuneVpp.clearHistoryFilter',
  refreshHistory: 'intuneVpp.refreshHistory',
  showMoreHistory: 'intuneVpp.showMoreHistory',
  exportHistory: 'intuneVpp.exportHistory',
  copyHistoryAsPowerShell: 'intuneVpp.copyHistoryAsPowerShell',
  copyHistoryAsHttp: 'intuneVpp.copyHistoryAsHttp',
  showAuditEvents: 'intuneVpp.showAuditEvents',
  openSettings: 'intuneVpp.openSettings',
  openSetupGuide: 'intuneVpp.openSetupGuide',
  showLog: 'intuneVpp.showLog',
  showOverview: 'intuneVpp.showOverview',
} as const;

/** A command the extension contributes and registers. */
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The language model tools the extension contributes and registers (`contributes.languageModelTools`). */
export const TOOLS = {
  listTokens: 'intuneVpp_listTokens',
  tokenDetails: 'intuneVpp_tokenDetails',
  findAppLicenses: 'intuneVpp_findAppLicenses',
  revokeLicenses: 'intuneVpp_revokeLicenses',
} as const;

/** The VPP Tokens view. */
export const VIEW_ID = 'intuneVpp.tokens';

/** The History view: the journal of writes. */
export const HISTORY_VIEW_ID = 'intuneVpp.history';

/** Context keys set with `setContext`, read by `when` clauses in `package.json`. */
export const CONTEXT_KEYS = {
  /** Drives the view's welcome content: what the user must do before tokens can show. */
  viewState: 'intuneVpp.viewState',
  /** True when the view shows several tenants, each as a root item. */
  multiTenant: 'intuneVpp.multiTenant',
  /** The sign-in mode of the only tenant (the flat settings' or an added one), for the title bar's account actions. */
  authMode: 'intuneVpp.authMode',
  /** True when at least one tenant's tokens could be listed. */
  signedIn: 'intuneVpp.signedIn',
  /** True while the History view shows one tenant's or one token's writes. */
  historyFiltered: 'intuneVpp.historyFiltered',
} as const;
