// Package migrations embeds the numbered schema migrations of the cache store,
// one directory per SQL dialect (postgres/, sqlite/).
//
// Invariants: both dialects carry the same numbered steps (a test checks the
// file names agree), each step runs in one transaction, and a step once
// released is never edited — a change to the schema is a new step. The store
// refuses to serve on a schema older than the newest step embedded here.
package migrations
