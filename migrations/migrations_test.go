package migrations

import (
	"io/fs"
	"slices"
	"testing"
)

func TestBothDialectsCarryTheSameSteps(t *testing.T) {
	names := func(dialect string) []string {
		fsys, err := FS(dialect)
		if err != nil {
			t.Fatal(err)
		}
		list, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	pg, lite := names("postgres"), names("sqlite")
	if len(pg) == 0 {
		t.Fatal("no postgres migrations embedded")
	}
	if !slices.Equal(pg, lite) {
		t.Fatalf("dialects disagree:\npostgres: %v\nsqlite:   %v", pg, lite)
	}
}
