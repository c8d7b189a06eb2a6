import * as l10n from '@vscode/l10n';
import { COMMANDS } from '../../ids';
import { AppNode, LicenseNode, TokenNode } from '../../tree/treeNodes';
import { chooseTenant, CommandRouting, Handlers } from '../routing';
import { revokeAppLicense, revokeAppLicenses } from './appLicenses';
import { copyRevokeRequest } from './copyRequest';
import { exportLicenseReport } from './licenseReport';
import { revokeLicenses } from './revokeLicenses';
import { syncLicenses } from './syncLicenses';

/** The commands on licenses: revoke and sync (a token or a selection), the per-app revokes, the report and the copied request. */
export function licenseHandlers(routing: CommandRouting) {
  const { tenants } = routing.services;
  return {
    [COMMANDS.revokeLicenses]: (invocation, node, selection) =>
      routing.forSelection(invocation, node, selection, l10n.t('Revoke Licenses: {0}', chooseTenant()), (context, nodes) =>
        revokeLicenses(
          context,
          nodes.map((selected) => selected.token),
        ),
      ),
    [COMMANDS.syncLicenses]: (invocation, node, selection) =>
      routing.forSelection(invocation, node, selection, l10n.t('Sync Licenses: {0}', chooseTenant()), (context, nodes) =>
        syncLicenses(
          context,
          nodes.map((selected) => selected.token),
        ),
      ),
    [COMMANDS.revokeAppLicenses]: async (invocation, node) => {
      if (node instanceof AppNode) {
        const tenant = await routing.tenantFor(invocation, node, l10n.t('Revoke App Licenses: {0}', chooseTenant()));
        if (tenant) {
          await revokeAppLicenses(routing.contextFor(invocation, tenant), node.app, node.token.token);
        }
      }
    },
    [COMMANDS.revokeAppLicense]: async (invocation, node) => {
      if (node instanceof LicenseNode) {
        const tenant = await routing.tenantFor(invocation, node, l10n.t('Revoke This License: {0}', chooseTenant()));
        if (tenant) {
          await revokeAppLicense(routing.contextFor(invocation, tenant), node.app.app, node.license);
        }
      }
    },
    [COMMANDS.copyRevokeRequest]: async (invocation, node) => {
      const item = node instanceof TokenNode ? node : undefined;
      const tenant = await routing.tenantFor(invocation, item, l10n.t('Copy Revoke Request: {0}', chooseTenant()));
      if (tenant) {
        const { cloud, endpoints } = tenant.settings();
        await copyRevokeRequest(routing.contextFor(invocation, tenant), item?.token, { cloud, graphEndpoint: endpoints.graphEndpoint });
      }
    },
    [COMMANDS.exportReport]: (invocation) =>
      exportLicenseReport(
        invocation,
        tenants.list().map((tenant) => ({ label: tenant.label, service: () => tenant.service() })),
      ),
  } satisfies Handlers;
}
