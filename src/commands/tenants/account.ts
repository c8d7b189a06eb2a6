import * as l10n from '@vscode/l10n';
import { TenantContext } from '../context';

export async function signIn({ ui, account, tenantLabel }: TenantContext): Promise<void> {
  const who = await account.signIn();
  await ui.info(
    tenantLabel ? l10n.t('Signed in to the tenant "{0}" as {1}.', tenantLabel, who) : l10n.t('Signed in to Intune as {0}.', who),
  );
}

/** Signs in as another account; app-only sign-in has none, so it says how to change the app's credential instead. */
export async function switchAccount({ ui, account, tenantLabel }: TenantContext): Promise<void> {
  if (account.authMode() === 'clientCredentials') {
    await ui.info(
      l10n.t(
        'App-only sign-in uses the app {0} and no user account. To use another credential, run "Set Client Secret…" or "Set Client Certificate…".',
        account.clientId(),
      ),
    );
    return;
  }
  const who = await account.switchAccount();
  await ui.info(
    tenantLabel ? l10n.t('Now signed in to the tenant "{0}" as {1}.', tenantLabel, who) : l10n.t('Now signed in to Intune as {0}.', who),
  );
}

export async function signOut({ ui, account, tenantLabel }: TenantContext): Promise<void> {
  await account.signOut();
  await ui.info(tenantLabel ? l10n.t('Signed out of the tenant "{0}".', tenantLabel) : l10n.t('Signed out of Intune VPP.'));
}

/** Asks for the client secret in a password box and keeps it in SecretStorage; never in settings or the log. */
export async function setClientSecret({ ui, account }: TenantContext): Promise<void> {
  const clientId = account.clientId();
  const secret = await ui.inputSecret(
    l10n.t('Intune VPP: Set Client Secret'),
    l10n.t("The client secret of the app {0}. It is kept in VS Code's secret storage.", clientId),
  );
  if (!secret?.trim()) {
    return;
  }
  await account.storeClientSecret(secret.trim());
  await ui.info(l10n.t('The client secret of the app {0} was stored.', clientId));
}

/** Asks for the PEM file(s) of the app's certificate and private key and keeps them in SecretStorage. */
export async function setClientCertificate({ ui, files, account }: TenantContext): Promise<void> {
  const clientId = account.clientId();
  const pemText = await files.pickPemFiles(l10n.t('Intune VPP: choose the certificate and private key (PEM) of the app {0}', clientId));
  if (!pemText) {
    return;
  }
  const thumbprint = await account.storeClientCertificate(pemText);
  await ui.info(
    l10n.t('The certificate {0} of the app {1} was stored; it is used instead of a client secret.', thumbprint.toUpperCase(), clientId),
  );
}
