// Package live gives the long-running readers (the web app of `systemic
// serve` and the MCP server of `systemic mcp`) a read-only view of the
// store that never blocks a sync: they read a file that is not the store
// itself. Without names that file is the pseudonymised copy beside the
// store (internal/privacy), the very file `systemic query` reads; with
// names it is a private snapshot copy of the store in a temporary folder.
// The view is refreshed when the store changed and no writer holds it;
// while a sync holds it, the last view is served with a note saying since
// when, and with no view yet the caller gets ErrBusy.
package live
