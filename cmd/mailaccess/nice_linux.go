package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// lowerPriority gives every thread of this process the nice value n, so that
// a sync worker sharing a host with web servers yields the CPU to them. On
// Linux the nice value is per thread; threads created later inherit it.
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
	return nil
}
