package migrations

import (
	"embed"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// FS returns the migrations of one dialect ("postgres" or "sqlite"), numbered
// NNNN_name.sql in goose format, each applied in its own transaction.
func FS(dialect string) (fs.FS, error) {
	return fs.Sub(files, dialect)
}
