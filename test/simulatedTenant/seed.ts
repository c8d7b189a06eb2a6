import type { IosVppAppRevokeLicensesActionResult, VppToken } from '@microsoft/microsoft-graph-types-beta';

/**
 * A token as the simulated tenant stores it, secret `token` blob included (it must never reach the extension's UI),
 * with the beta metadata's `appleDeviceAppDeliveryProtocolType`, which the types package lacks.
 */
export type StoredToken = VppToken & { id: string; appleDeviceAppDeliveryProtocolType?: string };

const DAY = 24 * 3600 * 1000;

function iso(now: number, days: number): string {
  return new Date(now + days * DAY).toISOString();
}

function id(n: number): string {
  return `7c0f${n.toString(16).padStart(4, '0')}-5e8a-4d21-9b1e-0a4c3d2e${n.toString(16).padStart(4, '0')}`;
}

/** The secret blob of a seeded token: tests grep every output for this prefix. */
export const SECRET_TOKEN_PREFIX = 'SIMULATED-VPP-SECRET-';

function token(n: number, now: number, fields: Partial<StoredToken>): StoredToken {
  return {
    id: id(n),
    organizationName: 'Contoso Ltd',
    vppTokenAccountType: 'business',
    appleDeviceAppDeliveryProtocolType: 'mobileDeviceManagement',
    appleId: `vpp${n}@contoso.example`,
    displayName: `Token ${n}`,
    locationName: 'Headquarters',
    countryOrRegion: 'us',
    state: 'valid',
    expirationDateTime: iso(now, 200),
    lastSyncDateTime: iso(now, -1),
    lastModifiedDateTime: iso(now, -30),
    lastSyncStatus: 'completed',
    automaticallyUpdateApps: true,
    dataSharingConsentGranted: true,
    claimTokenManagementFromExternalMdm: false,
    roleScopeTagIds: ['0'],
    tokenActionResults: [],
    // Real tokens are a few hundred characters of base64 JSON.
    token: `${SECRET_TOKEN_PREFIX}${n}-${Buffer.from(JSON.stringify({ expDate: '2027-01-01T00:00:00+0000', token: 'x'.repeat(240), orgName: 'Contoso Ltd' })).toString('base64')}`,
    ...fields,
  };
}

/** A realistic tenant: every state, business and education, unicode and very long names, missing fields. */
export function seedTokens(now = Date.now()): StoredToken[] {
  return [
    token(1, now, { displayName: 'Contoso HQ', locationName: 'Seattle HQ' }),
    token(2, now, { displayName: 'Contoso Retail', expirationDateTime: iso(now, 12), locationName: 'Retail stores' }),
    token(3, now, { displayName: 'Contoso Labs', state: 'expired', expirationDateTime: iso(now, -3), lastSyncStatus: 'failed' }),
    token(4, now, { displayName: 'Old MDM token', state: 'assignedToExternalMDM', claimTokenManagementFromExternalMdm: false }),
    token(5, now, { displayName: 'Revoked Apple account', state: 'invalid' }),
    token(6, now, { displayName: 'Duplicate location', state: 'duplicateLocationId' }),
    token(7, now, { displayName: 'Pending check', state: 'unknown', lastSyncStatus: 'inProgress' }),
    token(8, now, {
      displayName: 'Fabrikam School District',
      organizationName: 'Fabrikam Schools',
      vppTokenAccountType: 'education',
      locationName: 'Lincoln Elementary',
    }),
    token(9, now, { displayName: '東京オフィス 📱', organizationName: 'コントソ株式会社', countryOrRegion: 'jp' }),
    token(10, now, { displayName: 'Школа № 5 — Москва', countryOrRegion: 'ru', vppTokenAccountType: 'education' }),
    token(11, now, { displayName: 'مكتب دبي', countryOrRegion: 'ae' }),
    token(12, now, { displayName: `Northwind ${'very long location name '.repeat(14).trim()}`, locationName: 'Northwind' }),
    token(13, now, { displayName: null, organizationName: 'Tailspin Toys', appleId: 'vpp@tailspin.example' }),
    token(14, now, { displayName: null, organizationName: null, appleId: 'orphan@adatum.example', expirationDateTime: undefined }),
    token(15, now, { displayName: 'Never synced', lastSyncStatus: 'none', appleDeviceAppDeliveryProtocolType: 'default' }),
  ];
}

/** A large tenant for paging and benchmarks: `count` valid tokens with plain names. */
export function generatedTokens(count: number, now = Date.now()): StoredToken[] {
  return Array.from({ length: count }, (_, index) =>
    token(1000 + index, now, { displayName: `School ${String(index + 1).padStart(4, '0')}`, locationName: `Campus ${index + 1}` }),
  );
}

/** An iOS or macOS VPP app as the simulated tenant stores it. */
export interface StoredApp {
  readonly id: string;
  readonly '@odata.type': '#microsoft.graph.iosVppApp' | '#microsoft.graph.macOsVppApp' | '#microsoft.graph.iosStoreApp';
  readonly displayName: string;
  readonly bundleId: string;
  readonly vppTokenId?: string;
  usedLicenseCount: number;
  readonly totalLicenseCount: number;
  /** VPP apps only: the results of per-app revokes, newest first. */
  revokeLicenseActionResults?: IosVppAppRevokeLicensesActionResult[];
  /** The non-nullable fields Graph always sends for a VPP app (see vppAppFields); absent on the store app. */
  readonly createdDateTime?: string;
  readonly lastModifiedDateTime?: string;
  readonly dependentAppCount?: number;
  readonly isAssigned?: boolean;
  readonly isFeatured?: boolean;
  readonly publishingState?: 'published';
  readonly supersededAppCount?: number;
  readonly supersedingAppCount?: number;
  readonly uploadState?: number;
  readonly vppTokenAccountType?: 'business' | 'education';
  readonly appleDeviceAppDeliveryProtocolType?: 'default';
  readonly largeIcon?: MimeContent;
  readonly roleScopeTagIds?: readonly string[];
}

/** An icon or a cover as Graph sends it: a MIME type and base64 bytes (here, a PNG signature). */
export interface MimeContent {
  readonly type: string;
  readonly value: string;
}
const PNG_ICON: MimeContent = { type: 'image/png', value: 'iVBORw0KGgo=' };

/** The non-nullable fields of mobileApp, iosVppApp and macOsVppApp, as Graph sends them for a VPP app. */
export function vppAppFields(type: StoredApp['@odata.type'], created: string): Partial<StoredApp> {
  return {
    createdDateTime: created,
    lastModifiedDateTime: created,
    dependentAppCount: 0,
    isAssigned: true,
    isFeatured: false,
    publishingState: 'published',
    supersededAppCount: 0,
    supersedingAppCount: 0,
    uploadState: 1,
    vppTokenAccountType: 'business',
    largeIcon: PNG_ICON,
    roleScopeTagIds: ['0'],
    ...(type === '#microsoft.graph.macOsVppApp' ? { appleDeviceAppDeliveryProtocolType: 'default' as const } : {}),
  };
}

/** A license of an iOS VPP app (the `assignedLicenses` navigation), to a user or to a device. */
export interface StoredLicense {
  readonly '@odata.type': '#microsoft.graph.iosVppAppAssignedUserLicense' | '#microsoft.graph.iosVppAppAssignedDeviceLicense';
  readonly id: string;
  readonly userId: string;
  readonly userName: string;
  readonly userPrincipalName: string;
  readonly userEmailAddress: string;
  readonly managedDeviceId?: string;
  readonly deviceName?: string;
}

/** The licenses of each iOS VPP app, one per used license: users and devices in turn. */
export function seedLicenses(apps: readonly StoredApp[]): Map<string, StoredLicense[]> {
  const licenses = new Map<string, StoredLicense[]>();
  for (const app of apps.filter((candidate) => candidate['@odata.type'] === '#microsoft.graph.iosVppApp')) {
    licenses.set(
      app.id,
      Array.from({ length: app.usedLicenseCount }, (_, index) => {
        const user = {
          id: `${app.id}-license-${index}`,
          userId: `0000${index.toString().padStart(4, '0')}-aaaa-4bbb-8ccc-${app.id.replace(/\W/g, '').padEnd(12, '0').slice(0, 12)}`,
          userName: `Student ${index + 1}`,
          userPrincipalName: `student${index + 1}@contoso.example`,
          userEmailAddress: `student${index + 1}@contoso.example`,
        };
        return index % 2 === 0
          ? { '@odata.type': '#microsoft.graph.iosVppAppAssignedUserLicense' as const, ...user }
          : {
              '@odata.type': '#microsoft.graph.iosVppAppAssignedDeviceLicense' as const,
              ...user,
              managedDeviceId: `device-${app.id}-${index}`,
              deviceName: `iPad ${index + 1}`,
            };
      }),
    );
  }
  return licenses;
}

/**
 * The text of a `.vpptoken` file as Apple Business or School Manager hands it out: Base64 of a JSON object with the
 * token, its expiry and the organization. `location` stands in for the token: one location, one token.
 */
export function vppTokenFile(fields: { location: string; orgName?: string; expDate?: string }): string {
  return Buffer.from(
    JSON.stringify({
      token: fields.location,
      expDate: fields.expDate ?? '2027-11-29T12:00:00+0000',
      orgName: fields.orgName ?? 'Contoso Ltd',
    }),
  ).toString('base64');
}

/** The location of seeded token n (1-based): a file made with it renews that token, or duplicates it when added. */
export function seedLocation(n: number): string {
  return `seed-location-${n}`;
}

const APP_NAMES: [string, string][] = [
  ['Microsoft Teams', 'com.microsoft.skype.teams'],
  ['Microsoft Outlook', 'com.microsoft.Office.Outlook'],
  ['Keynote', 'com.apple.iWork.Keynote'],
  ['GarageBand', 'com.apple.mobilegarageband'],
];

/** Apps bought with the first tokens (two to four each), plus a store app that belongs to no token. */
export function seedApps(tokens: readonly StoredToken[]): StoredApp[] {
  const apps: StoredApp[] = [];
  tokens.slice(0, 10).forEach((token, tokenIndex) => {
    APP_NAMES.slice(0, 2 + (tokenIndex % 3)).forEach(([displayName, bundleId], appIndex) => {
      const type = appIndex === 3 ? '#microsoft.graph.macOsVppApp' : '#microsoft.graph.iosVppApp';
      apps.push({
        id: `app-${tokenIndex}-${appIndex}`,
        '@odata.type': type,
        ...vppAppFields(type, '2025-09-01T08:00:00Z'),
        displayName,
        bundleId,
        vppTokenId: token.id,
        usedLicenseCount: 5 + appIndex * 3,
        totalLicenseCount: 20 + appIndex * 10,
        revokeLicenseActionResults: [],
      });
    });
  });
  apps.push({
    id: 'store-app',
    '@odata.type': '#microsoft.graph.iosStoreApp',
    displayName: 'Company Portal',
    bundleId: 'com.microsoft.CompanyPortal',
    usedLicenseCount: 0,
    totalLicenseCount: 0,
  });
  return apps;
}

/** A VPP eBook as the simulated tenant stores it (`vppTokenId` is a GUID in the metadata). */
export interface StoredEBook {
  readonly id: string;
  readonly '@odata.type': '#microsoft.graph.iosVppEBook';
  readonly createdDateTime: string;
  readonly lastModifiedDateTime: string;
  readonly publishedDateTime: string;
  readonly largeCover: MimeContent;
  readonly displayName: string;
  readonly vppTokenId: string;
  readonly usedLicenseCount: number;
  readonly totalLicenseCount: number;
}

/** eBooks bought with the first three tokens: one each, two with the first. */
export function seedEBooks(tokens: readonly StoredToken[]): StoredEBook[] {
  const books: [string, number, number][] = [
    ['The Swift Programming Language', 12, 40],
    ['Apple Platform Deployment', 3, 10],
  ];
  return tokens.slice(0, 3).flatMap((token, tokenIndex) =>
    books.slice(0, tokenIndex === 0 ? 2 : 1).map(([displayName, used, total], bookIndex) => ({
      id: `ebook-${tokenIndex}-${bookIndex}`,
      '@odata.type': '#microsoft.graph.iosVppEBook' as const,
      // managedEBook's non-nullable fields, as Graph always sends them.
      createdDateTime: '2025-09-01T08:00:00Z',
      lastModifiedDateTime: '2025-09-01T08:00:00Z',
      publishedDateTime: '2024-06-10T00:00:00Z',
      largeCover: PNG_ICON,
      displayName,
      vppTokenId: token.id,
      usedLicenseCount: used,
      totalLicenseCount: total,
    })),
  );
}

/** An assignment of an app as the simulated tenant stores it (mobileAppAssignment, its target and settings). */
export interface StoredAssignment {
  readonly '@odata.type': '#microsoft.graph.mobileAppAssignment';
  readonly id: string;
  intent: 'available' | 'required' | 'uninstall' | 'availableWithoutEnrollment';
  readonly source: 'direct';
  readonly sourceId: null;
  readonly target: Record<string, unknown>;
  readonly settings: Record<string, unknown> | null;
}

/** The groups of the simulated directory that assignments target, by id. */
export const SEED_GROUPS: ReadonlyMap<string, string> = new Map([
  ['6f1c2a4e-0000-4000-8000-000000000001', 'Grade 5 iPads'],
  ['6f1c2a4e-0000-4000-8000-000000000002', 'Loaner iPads'],
  ['6f1c2a4e-0000-4000-8000-000000000003', 'Leavers'],
]);

function assignment(
  id: string,
  intent: StoredAssignment['intent'],
  target: Record<string, unknown>,
  useDeviceLicensing: boolean,
): StoredAssignment {
  return {
    '@odata.type': '#microsoft.graph.mobileAppAssignment',
    id,
    intent,
    source: 'direct',
    sourceId: null,
    target: { deviceAndAppManagementAssignmentFilterId: null, deviceAndAppManagementAssignmentFilterType: 'none', ...target },
    settings: {
      '@odata.type': '#microsoft.graph.iosVppAppAssignmentSettings',
      useDeviceLicensing,
      vpnConfigurationId: null,
      uninstallOnDeviceRemoval: false,
      isRemovable: true,
      preventManagedAppBackup: null,
      preventAutoAppUpdate: null,
    },
  };
}

/**
 * The assignments of the tenth token's iOS apps (Школа № 5 — Москва): Teams required for a group of devices (one
 * group excluded), Outlook available to all licensed users; and the ninth token's Keynote, already set to uninstall.
 * No other app is assigned.
 */
export function seedAssignments(apps: readonly StoredApp[]): Map<string, StoredAssignment[]> {
  const [ipads, loaners, leavers] = [...SEED_GROUPS.keys()];
  const group = (groupId: string) => ({ '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId });
  const planned: Record<string, StoredAssignment[]> = {
    'app-9-0': [
      assignment('app-9-0-required', 'required', group(ipads), true),
      assignment(
        'app-9-0-excluded',
        'required',
        { '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget', groupId: loaners },
        true,
      ),
    ],
    'app-9-1': [
      assignment('app-9-1-available', 'available', { '@odata.type': '#microsoft.graph.allLicensedUsersAssignmentTarget' }, false),
    ],
    'app-8-2': [assignment('app-8-2-uninstall', 'uninstall', group(leavers), true)],
  };
  return new Map(apps.map((app) => [app.id, planned[app.id] ?? []]));
}

/** A token revoke's action result as Intune first shows it: active, nothing counted yet, both times `at`. */
export function activeRevokeResult(at: string): NonNullable<StoredToken['tokenActionResults']>[number] & Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.vppTokenRevokeLicensesActionResult',
    actionName: 'RevokeLicenses',
    actionState: 'active',
    startDateTime: at,
    lastUpdatedDateTime: at,
    totalLicensesCount: 0,
    failedLicensesCount: 0,
    actionFailureReason: 'none',
  };
}
