import * as assert from 'node:assert/strict';
import { appOnlyScopes, authenticationProviderId, vscodeSessionScopes } from '../../src/auth/scopes';
import { signInError } from '../../src/auth/signInErrors';
import { sovereignCloudProblem } from '../../src/auth/sovereignCloud';
import { missingSignInSetting, resolveSettings } from '../../src/config/settings';
import { ConfigurationError } from '../../src/errors';

describe('settings', () => {
  it('defaults to the global cloud, VS Code sign-in, organizations and 30 s', () => {
    const settings = resolveSettings({});
    assert.equal(settings.cloud, 'global');
    assert.equal(settings.endpoints.graphEndpoint, 'https://graph.microsoft.com');
    assert.equal(settings.endpoints.loginEndpoint, 'https://login.microsoftonline.com');
    assert.equal(settings.authMode, 'vscode');
    assert.equal(settings.tenantId, 'organizations');
    assert.equal(settings.requestTimeoutMs, 30_000);
  });

  it('maps each national cloud to its Graph and login hosts', () => {
    assert.deepEqual(resolveSettings({ cloud: 'usGov' }).endpoints, {
      graphEndpoint: 'https://graph.microsoft.us',
      loginEndpoint: 'https://login.microsoftonline.us',
    });
    assert.deepEqual(resolveSettings({ cloud: 'usGovDoD' }).endpoints, {
      graphEndpoint: 'https://dod-graph.microsoft.us',
      loginEndpoint: 'https://login.microsoftonline.us',
    });
    assert.deepEqual(resolveSettings({ cloud: 'china' }).endpoints, {
      graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
      loginEndpoint: 'https://login.chinacloudapi.cn',
    });
  });

  it("takes a custom cloud's https origins and refuses anything else with the setting named", () => {
    const custom = resolveSettings({
      cloud: 'custom',
      customGraphEndpoint: 'https://127.0.0.1:8443/',
      customLoginEndpoint: 'https://login.example',
    });
    assert.equal(custom.endpoints.graphEndpoint, 'https://127.0.0.1:8443');
    assert.equal(custom.endpoints.loginEndpoint, 'https://login.example');
    const refused: [string, RegExp][] = [
      ['http://graph.example', /must be an https address/],
      ['', /is empty/],
      ['graph.example', /not a valid URL/],
      ['https://graph.example/v1.0', /just a scheme and host/],
      ['https://user:pw@graph.example', /just a scheme and host/],
    ];
    for (const [value, message] of refused) {
      assert.throws(
        () => resolveSettings({ cloud: 'custom', customGraphEndpoint: value, customLoginEndpoint: 'https://login.example' }),
        (error: unknown) =>
          error instanceof ConfigurationError &&
          message.test(error.message) &&
          error.message.includes('intuneVpp.customCloud.graphEndpoint'),
        value,
      );
    }
  });

  it('refuses unknown enum values and clamps the timeout', () => {
    assert.throws(() => resolveSettings({ cloud: 'mars' }), /intuneVpp\.cloud has an unknown value: mars/);
    assert.throws(() => resolveSettings({ authMode: 'password' }), /intuneVpp\.auth\.mode has an unknown value/);
    assert.equal(resolveSettings({ requestTimeoutSeconds: 0 }).requestTimeoutMs, 1000);
    assert.equal(resolveSettings({ requestTimeoutSeconds: 1e9 }).requestTimeoutMs, 600_000);
    assert.equal(resolveSettings({ requestTimeoutSeconds: 'x' }).requestTimeoutMs, 30_000);
  });

  it('needs a client id, and a real tenant for app-only sign-in', () => {
    assert.equal(missingSignInSetting(resolveSettings({})), 'intuneVpp.auth.clientId');
    assert.equal(missingSignInSetting(resolveSettings({ clientId: 'app' })), undefined);
    assert.equal(missingSignInSetting(resolveSettings({ clientId: 'app', authMode: 'clientCredentials' })), 'intuneVpp.auth.tenantId');
    assert.equal(
      missingSignInSetting(resolveSettings({ clientId: 'app', authMode: 'clientCredentials', tenantId: 'contoso.onmicrosoft.com' })),
      undefined,
    );
    assert.equal(
      missingSignInSetting(resolveSettings({ clientId: 'app', authMode: 'clientCredentials', tenantId: 'Common' })),
      'intuneVpp.auth.tenantId',
      'any spelling of a placeholder',
    );
  });
});

describe('scopes', () => {
  it("asks VS Code for the configured app and tenant and the cloud's Intune permissions: the tokens and their apps", () => {
    const settings = resolveSettings({ clientId: 'app-id', tenantId: 'tenant-id' });
    assert.deepEqual(vscodeSessionScopes(settings), [
      'VSCODE_CLIENT_ID:app-id',
      'VSCODE_TENANT:tenant-id',
      'https://graph.microsoft.com/DeviceManagementApps.ReadWrite.All',
    ]);
    assert.equal(authenticationProviderId(settings), 'microsoft');
    const gov = resolveSettings({ cloud: 'usGov', clientId: 'app-id' });
    assert.deepEqual(vscodeSessionScopes(gov), [
      'VSCODE_CLIENT_ID:app-id',
      'VSCODE_TENANT:organizations',
      'https://graph.microsoft.us/DeviceManagementApps.ReadWrite.All',
    ]);
    assert.equal(authenticationProviderId(gov), 'microsoft-sovereign-cloud');
    assert.deepEqual(appOnlyScopes(resolveSettings({ cloud: 'china' })), ['https://microsoftgraph.chinacloudapi.cn/.default']);
  });

  it('asks for the directory permission GroupMember.Read.All only when the admin turned on naming groups', () => {
    const settings = { ...resolveSettings({ clientId: 'app-id', tenantId: 'tenant-id' }), groupNames: true };
    assert.deepEqual(vscodeSessionScopes(settings).slice(2), [
      'https://graph.microsoft.com/DeviceManagementApps.ReadWrite.All',
      'https://graph.microsoft.com/GroupMember.Read.All',
    ]);
    assert.deepEqual(vscodeSessionScopes({ ...settings, groupNames: false }).slice(2), [
      'https://graph.microsoft.com/DeviceManagementApps.ReadWrite.All',
    ]);
  });
});

describe("national clouds with VS Code's sovereign-cloud sign-in", () => {
  const user = (value: unknown) => ({ globalValue: value });
  const none = {};

  it('names the VS Code setting and the value it needs when it does not match', () => {
    const china = resolveSettings({ cloud: 'china', clientId: 'app' });
    const error = sovereignCloudProblem(china, user('USGovernment'), none);
    assert.equal(error?.kind, 'configuration');
    assert.match(error?.message ?? '', /microsoft-sovereign-cloud\.environment must be "ChinaCloud" \(it is "USGovernment"\)/);
    assert.match(
      sovereignCloudProblem(resolveSettings({ cloud: 'usGovDoD' }), none, none)?.message ?? '',
      /must be "USGovernment" \(it is "not set"\)/,
    );
  });

  it('is satisfied by the matching user value, and the global cloud needs none', () => {
    assert.equal(sovereignCloudProblem(resolveSettings({ cloud: 'usGov' }), user('USGovernment'), none), undefined);
    assert.equal(sovereignCloudProblem(resolveSettings({ cloud: 'china' }), user('ChinaCloud'), none), undefined);
    assert.equal(sovereignCloudProblem(resolveSettings({ cloud: 'global' }), user('ChinaCloud'), none), undefined);
  });

  it('refuses either setting when a workspace or folder sets it, naming the setting, even if it matches', () => {
    const gov = resolveSettings({ cloud: 'usGov' });
    assert.match(
      sovereignCloudProblem(gov, { globalValue: 'USGovernment', workspaceValue: 'USGovernment' }, none)?.message ?? '',
      /This workspace sets VS Code's setting microsoft-sovereign-cloud\.environment/,
    );
    assert.match(
      sovereignCloudProblem(gov, user('USGovernment'), { workspaceFolderValue: { activeDirectoryEndpointUrl: 'https://evil.example/' } })
        ?.message ?? '',
      /microsoft-sovereign-cloud\.customEnvironment/,
    );
  });

  it('for a custom cloud, the sign-in host VS Code would use must be the configured login endpoint', () => {
    const custom = resolveSettings({
      cloud: 'custom',
      customGraphEndpoint: 'https://graph.contoso.example',
      customLoginEndpoint: 'https://login.contoso.example',
    });
    assert.equal(
      sovereignCloudProblem(custom, user('custom'), user({ activeDirectoryEndpointUrl: 'https://login.contoso.example/' })),
      undefined,
    );
    assert.match(
      sovereignCloudProblem(custom, user('custom'), user({ activeDirectoryEndpointUrl: 'https://login.evil.example/' }))?.message ?? '',
      /sends sign-in to https:\/\/login\.evil\.example, but intuneVpp\.customCloud\.loginEndpoint is https:\/\/login\.contoso\.example/,
    );
    assert.match(sovereignCloudProblem(custom, user('custom'), none)?.message ?? '', /sends sign-in to no address/);
  });
});

describe('sign-in errors', () => {
  it('treats a cancelled sign-in as a cancel', () => {
    assert.equal(signInError(new Error('User did not consent to login.')).kind, 'cancelled');
    assert.equal(signInError(new Error('Cancelled')).kind, 'cancelled');
  });

  it('explains missing consent and points to the admin setup', () => {
    const error = signInError(new Error('AADSTS65001: The user or administrator has not consented to use the application with ID x.'));
    assert.equal(error.kind, 'consentRequired');
    assert.equal(error.helpTopic, 'admin-setup');
    assert.match(error.message, /administrator must register an app/);
    assert.match(error.message, /permissions DeviceManagementApps\.ReadWrite\.All and grant admin consent/);
    assert.match(error.message, /Admin setup/);
    assert.equal(signInError(new Error('AADSTS700016: Application not found')).kind, 'consentRequired');
  });

  it('names a refused secret and an unknown tenant', () => {
    const secret = signInError(new Error('invalid_client: AADSTS7000215: Invalid client secret provided.'));
    assert.equal(secret.kind, 'unauthorized');
    assert.match(secret.message, /Set Client Secret/);
    assert.equal(signInError(new Error('AADSTS90002: Tenant not found')).kind, 'configuration');
  });
});
