package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// lowerPriority gives every thread of this process the nice value n, so that
// a sync worker sharing a host with web servers yields the CPU to them. On
// Linux the nice value is per thread; threads created later inherit it.
//
// With autogroup scheduling (kernel.sched_autogroup_enabled, the default of
// most distributions) the CPU is first shared between sessions, and a
// thread's nice value only counts against the threads of its own session: a
// worker started as a service (its own session) would compete with the web
// server at full weight whatever its nice value. So when this process leads
// its own session, its session's autogroup gets the nice value too (a
// worker sharing a session with other programs leaves the session's alone).
func lowerPriority(n int) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return fmt.Errorf("lower priority: %w", err)
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := syscall.Setpriority(syscall.PRIO_PROCESS, tid, n); err != nil {
			return fmt.Errorf("lower priority of thread %d: %w", tid, err)
		}
	}
	if sid, _, errno := syscall.RawSyscall(syscall.SYS_GETSID, 0, 0, 0); errno != 0 || int(sid) != os.Getpid() {
		return nil
	}
	if err := os.WriteFile("/proc/self/autogroup", []byte(strconv.Itoa(n)), 0); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("lower priority of this session's autogroup: %w", err)
	}
	return nil
}
