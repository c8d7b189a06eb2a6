/** The ids of the commands the extension registers (and `package.json` contributes). */
export const COMMANDS = {
  refresh: 'intuneVpp.refresh',
  signIn: 'intuneVpp.signIn',
  switchAccount: 'intuneVpp.switchAccount',
  signOut: 'intuneVpp.signOut',
  setClientSecret: 'intuneVpp.setClientSecret',
  setClientCertificate: 'intuneVpp.setClientCertificate',
  addTenant: 'intuneVpp.addTenant',
  removeTenant: 'intuneVpp.removeTenant',
  revokeLicenses: 'intuneVpp.revokeLicenses',
  syncLicenses: 'intuneVpp.syncLicenses',
  copyTokenId: 'intuneVpp.copyTokenId',
  openSettings: 'intuneVpp.openSettings',
  openSetupGuide: 'intuneVpp.openSetupGuide',
  showLog: 'intuneVpp.showLog',
} as const;
