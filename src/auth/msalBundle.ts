// Entry of dist/msal-node.js: msal-node bundled apart from the extension and loaded on first use.
export * from '@azure/msal-node';
