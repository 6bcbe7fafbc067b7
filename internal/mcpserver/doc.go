// Package mcpserver is systemic's Model Context Protocol server: the tools
// an AI assistant calls to answer a leader's questions from the store. It
// is a thin layer over what the command line already answers: the named
// questions of internal/query (run by the same query.Run, so the rows equal
// `systemic query`'s), the documented views, read-only SQL in the query
// sandbox, the findings question and the definitions of patterns
// (analysis modules) and metrics (the analysis registry).
//
// Every tool reads a live.View: the pseudonymised copy of the store unless
// the server was started with names, so no answer can carry a real name.
// Results are cut to a row limit with a note saying so.
package mcpserver
