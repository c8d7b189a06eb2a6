import * as vscode from 'vscode';
import { Journal } from '../journal/journal';
import { describeForLog } from '../errors';
import { revokeToken } from '../commands/licenses/revokeLicenses';
import { actionContext, tenantContext } from '../commands/context';
import { TenantStore } from '../store/tenantStore';
import { readMaxConcurrentTenants } from '../config/vscodeSettings';
import { ConcurrencyLimit } from '../tenants/concurrencyLimit';
import { TenantConnection } from '../tenants/tenantConnection';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { markdownEscaped } from '../text';
import { Ports } from '../ui/userInput';
import { ChatTenant, ChatTool, failureText, ToolInputError } from './chatTool';
import { createChatTools } from './chatTools';

export interface ChatToolServices {
  readonly tenants: TenantRegistry;
  /** What chat reads the tokens from, and where its revokes mark their tokens (a revoke the tree runs is seen here). */
  readonly store: TenantStore;
  readonly log: vscode.LogOutputChannel;
  readonly ui: Ports;
  /** Where the revokes chat starts are recorded, as the view's. */
  readonly journal: Journal;
}

/** Whether a tenant's settings are complete enough to sign in: an unconfigured placeholder is not offered to chat. */
function configured(tenant: TenantConnection): boolean {
  try {
    tenant.settings();
    return true;
  } catch {
    return false;
  }
}

function abortSignalOf(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  if (token.isCancellationRequested) {
    controller.abort();
  }
  return { signal: controller.signal, dispose: () => void subscription.dispose() };
}

/** A tool's error as the model reads it: the input problem, or what went wrong in plain words. */
function toolError(tool: ChatTool, error: unknown, log: vscode.LogOutputChannel): Error {
  if (error instanceof ToolInputError) {
    return error;
  }
  log.warn(`Chat tool ${tool.name} failed: ${describeForLog(error)}`);
  return new Error(failureText(error));
}

/** Adapts a tool to VS Code: cancellation as an AbortSignal, the confirmation as escaped Markdown, the result as text. */
function languageModelTool(tool: ChatTool, log: vscode.LogOutputChannel): vscode.LanguageModelTool<unknown> {
  return {
    prepareInvocation: async (options, token) => {
      const cancel = abortSignalOf(token);
      try {
        const prepared = await tool.prepare(options.input, cancel.signal);
        const confirmation = prepared.confirmation;
        return {
          invocationMessage: prepared.invocationMessage,
          // Escaped Markdown, a paragraph per line: a token's name cannot turn into a link, a bare address included.
          confirmationMessages: confirmation && {
            title: confirmation.title,
            message: new vscode.MarkdownString(confirmation.message.split('\n').map(markdownEscaped).join('\n\n')),
          },
        };
      } catch (error) {
        throw toolError(tool, error, log);
      } finally {
        cancel.dispose();
      }
    },
    invoke: async (options, token) => {
      const cancel = abortSignalOf(token);
      try {
        const text = await tool.invoke(options.input, cancel.signal);
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
      } catch (error) {
        throw toolError(tool, error, log);
      } finally {
        cancel.dispose();
      }
    },
  };
}

/**
 * Registers the chat tools. They read every configured tenant (bounded by `intuneVpp.maxConcurrentTenants`); the
 * revoke runs the extension's own flow with its modal confirmation, in the same UI the commands use.
 */
export function registerChatTools(services: ChatToolServices): vscode.Disposable[] {
  const { tenants, store, log, ui, journal } = services;
  // Aborted on deactivation: a revoke's outcome watch started from chat ends with the extension.
  const lifetime = new AbortController();
  const limit = new ConcurrencyLimit(readMaxConcurrentTenants);
  const chatTenant = (connection: TenantConnection, several: boolean): ChatTenant => ({
    key: connection.key,
    label: connection.label,
    tenantId: connection.settings().tenantId,
    service: () => connection.service(),
    listTokens: () => store.tokensOf(connection, 0),
    revoke: (token, options) =>
      revokeToken(tenantContext(actionContext(ui, log, lifetime.signal), connection, store, several, journal), token, options),
  });
  const tools = createChatTools({
    tenants: () => {
      const all = tenants.list();
      return all.filter(configured).map((connection) => chatTenant(connection, all.length > 1));
    },
    now: () => Date.now(),
    limit: (task) => limit.run(task),
  });
  return [...tools.map((tool) => vscode.lm.registerTool(tool.name, languageModelTool(tool, log))), { dispose: () => lifetime.abort() }];
}
