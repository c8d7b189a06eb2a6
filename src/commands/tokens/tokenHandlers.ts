import * as vscode from 'vscode';
import * as l10n from '@vscode/l10n';
import { COMMANDS } from '../../ids';
import { TokenNode } from '../../tree/treeNodes';
import { chooseTenant, CommandRouting, Handlers } from '../routing';
import { addToken } from './addToken';
import { deleteToken } from './deleteToken';
import { editToken, takeOverToken } from './editToken';
import { renewToken } from './renewToken';
import { retireToken } from './retireToken';

/** The commands on a token's life: add, renew, edit, take over, retire, delete, and copy its id. */
export function tokenHandlers(routing: CommandRouting) {
  const locale = () => vscode.env.language || 'en';
  return {
    [COMMANDS.addToken]: routing.forTenant(l10n.t('Add VPP Token: {0}', chooseTenant()), (context) => addToken(context, locale())),
    [COMMANDS.renewToken]: routing.forToken(l10n.t('Renew Token: {0}', chooseTenant()), (context, token) =>
      renewToken(context, token, locale()),
    ),
    [COMMANDS.editToken]: routing.forToken(l10n.t('Edit Token Settings: {0}', chooseTenant()), (context, token) =>
      editToken(context, token, locale()),
    ),
    [COMMANDS.takeOverToken]: routing.forToken(l10n.t('Take Over Management: {0}', chooseTenant()), (context, token) =>
      takeOverToken(context, token),
    ),
    [COMMANDS.retireToken]: routing.forToken(l10n.t('Retire Token: {0}', chooseTenant()), (context, token) =>
      retireToken(context, token, locale()),
    ),
    [COMMANDS.deleteToken]: routing.forToken(l10n.t('Delete Token: {0}', chooseTenant()), (context, token) =>
      deleteToken(context, token, locale()),
    ),
    [COMMANDS.copyTokenId]: async (invocation, node) => {
      if (node instanceof TokenNode) {
        await invocation.clipboard.copyText(node.token.id);
      }
    },
  } satisfies Handlers;
}
