import type * as vscode from 'vscode';
import type { TenantConnection } from '../tenants/tenantConnection';
import type { AssignedLicenseRecord, VppAppRecord, VppTokenRecord } from '../graph/vppRecords';
import type { ListingState } from '../store/tenantStore';
import type { AppAssignments } from '../graph/assignmentReads';

/** What a tenant's listing came to; with one tenant it also picks the view's welcome content. */
export type ViewState = 'loading' | ListingState;

/** A configured tenant: the root item when the view shows several. */
export class TenantNode {
  constructor(readonly connection: TenantConnection) {}
  get tenantKey(): string {
    return this.connection.key;
  }
}

/** A token in the tree, one per token for as long as it is listed: its `token` is the store's latest record of it. */
export class TokenNode {
  constructor(
    public token: VppTokenRecord,
    readonly tenantKey: string,
  ) {}
}

/** A token under Needs Attention: the same token as under its tenant, named with its tenant and why. */
export class AttentionTokenNode extends TokenNode {
  constructor(
    token: VppTokenRecord,
    tenantKey: string,
    readonly tenantLabel: string,
    readonly reasons: readonly string[],
  ) {
    super(token, tenantKey);
  }
}

/** The first root when the view shows several tenants: the tokens, across all of them, that need attention. */
export class AttentionNode {}

/** "Apps", "eBooks" or "Recent actions" under a token, with their items already read. */
export class GroupNode {
  constructor(
    readonly kind: 'apps' | 'ebooks' | 'actions',
    readonly parent: TokenNode,
    readonly children: readonly (AppNode | LeafNode)[],
  ) {}
  get tenantKey(): string {
    return this.parent.tenantKey;
  }
}

/** A VPP app bought with the token; an iOS app expands to its licenses. */
export class AppNode {
  constructor(
    readonly app: VppAppRecord,
    readonly token: TokenNode,
    /** How the app is assigned, as read with the token's expansion. */
    readonly assignments?: AppAssignments,
  ) {}
  get tenantKey(): string {
    return this.token.tenantKey;
  }
}

/** One license of an iOS VPP app, held by a user or a device. */
export class LicenseNode {
  constructor(
    readonly license: AssignedLicenseRecord,
    readonly app: AppNode,
  ) {}
  get tenantKey(): string {
    return this.app.tenantKey;
  }
}

/** An eBook, an action result, or a message (an error, "none", what to do to sign in). */
export class LeafNode {
  constructor(
    readonly item: vscode.TreeItem,
    readonly tenantKey?: string,
  ) {}
}

export type TreeNode = AttentionNode | TenantNode | TokenNode | GroupNode | AppNode | LicenseNode | LeafNode;
