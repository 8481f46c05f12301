package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ownerFile marks a directory made by TempDir with the process that owns
// it, so that a later TempDir can tell when that process is gone.
const ownerFile = ".testenv-owner"

// TempDir creates a directory for servers in os.TempDir(), named prefix
// followed by a random string, with mode 0755 so that servers running as
// other users (see StartPostgres) reach their directories inside it. The
// caller removes it.
//
// A process that is SIGKILLed cannot remove its directory, so TempDir
// first removes the directories of earlier TempDir calls whose process no
// longer exists.
func TempDir(prefix string) (string, error) {
	removeStaleDirs()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	self, err := processIdentity()
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("temp dir: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(fmt.Sprintf("%d %s\n", os.Getpid(), self)), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// processIdentity identifies this process across pid reuse, PID
// namespaces and reboots: "NAMESPACE BOOT_ID START_TIME".
func processIdentity() (string, error) {
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return "", err
	}
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", err
	}
	start, err := startTime(strconv.Itoa(os.Getpid()))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s %s", ns, strings.TrimSpace(string(boot)), start), nil
}

// startTime returns the start time of process pid (field 22 of
// /proc/PID/stat, readable for every process).
func startTime(pid string) (string, error) {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return "", err
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return "", fmt.Errorf("unexpected /proc/%s/stat", pid)
	}
	f := strings.Fields(string(stat[i+1:])) // f[0] is field 3
	if len(f) < 20 {
		return "", fmt.Errorf("unexpected /proc/%s/stat", pid)
	}
	return f[19], nil
}

// removeStaleDirs removes the TempDir directories of processes that are
// gone. Directories of other PID namespaces or boots are left alone: their
// owners cannot be checked.
func removeStaleDirs() {
	self, err := processIdentity()
	if err != nil {
		return
	}
	selfFields := strings.Fields(self)
	markers, _ := filepath.Glob(filepath.Join(os.TempDir(), "mailaccess-*", ownerFile))
	for _, m := range markers {
		data, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		f := strings.Fields(string(data)) // PID NAMESPACE BOOT_ID START_TIME
		if len(f) != 4 || f[1] != selfFields[0] || f[2] != selfFields[1] {
			continue
		}
		if start, err := startTime(f[0]); err == nil && start == f[3] {
			continue // its process is still running
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			continue // cannot tell
		}
		_ = os.RemoveAll(filepath.Dir(m))
	}
}
