import { ChatTool, ChatToolDeps } from './chatTool';
import { findAppLicensesTool } from './findAppLicensesTool';
import { listTokensTool } from './listTokensTool';
import { revokeLicensesTool } from './revokeLicensesTool';
import { tokenDetailsTool } from './tokenDetailsTool';

/** Every language model tool the extension registers: `package.json` contributes the same names (a unit test checks). */
export function createChatTools(deps: ChatToolDeps): ChatTool[] {
  return [listTokensTool(deps), tokenDetailsTool(deps), findAppLicensesTool(deps), revokeLicensesTool(deps)];
}
