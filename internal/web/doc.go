// Package web is the local, read-only web app of `systemic serve`: the
// report of an analysed period, its findings with filters and evidence,
// the plan items with their history, every named question as a form, the
// teams and the documented views, as plain HTML pages with forms and links
// (no JavaScript) and nothing fetched from the network.
//
// It is a thin layer: pages read a live.View (the pseudonymised copy of the
// store unless names were asked for, never the store a sync writes), the
// report model comes from reports.Build on that view, and a named question
// runs through query.Run, so a page shows the rows `systemic query` prints.
// Every request is a GET; the handle it reads is opened read-only in the
// query sandbox. With a token, every request must carry it.
package web
