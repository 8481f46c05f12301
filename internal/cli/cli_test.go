package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	ran := ""
	commands := map[string]Command{
		"sync": func(_ context.Context, args []string, _, _ io.Writer, _ func(string) string) error {
			ran = "sync " + strings.Join(args, " ")
			return nil
		},
		"check": Check,
	}
	const usage = "usage: test <command>\n"
	for _, tc := range []struct {
		name       string
		args       []string
		wantErr    string // "" for none; "help" for flag.ErrHelp
		wantStdout string
		wantStderr string
		wantRan    string
	}{
		{name: "no command prints usage to stderr", args: nil, wantErr: "help", wantStderr: usage},
		{name: "help prints usage to stdout", args: []string{"help"}, wantStdout: usage},
		{name: "-h prints usage to stdout", args: []string{"-h"}, wantStdout: usage},
		{name: "an unknown command is named", args: []string{"serv"}, wantErr: `unknown command "serv"`, wantStderr: usage},
		{name: "a command gets the arguments after its name", args: []string{"sync", "-user", "u"}, wantRan: "sync -user u"},
		{name: "a command's -h lists its flags", args: []string{"check", "-h"}, wantErr: "help", wantStderr: "-user"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran = ""
			var stdout, stderr bytes.Buffer
			err := Run(context.Background(), usage, commands, tc.args, &stdout, &stderr, func(string) string { return "" })
			switch {
			case tc.wantErr == "help" && !errors.Is(err, flag.ErrHelp),
				tc.wantErr == "" && err != nil,
				tc.wantErr != "" && tc.wantErr != "help" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("err = %v, want %q", err, tc.wantErr)
			}
			if !strings.Contains(stdout.String(), tc.wantStdout) || (tc.wantStdout == "" && stdout.Len() > 0) {
				t.Errorf("stdout %q, want %q", stdout.String(), tc.wantStdout)
			}
			if !strings.Contains(stderr.String(), tc.wantStderr) || (tc.wantStderr == "" && stderr.Len() > 0) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tc.wantStderr)
			}
			if ran != tc.wantRan {
				t.Errorf("ran %q, want %q", ran, tc.wantRan)
			}
		})
	}
}
