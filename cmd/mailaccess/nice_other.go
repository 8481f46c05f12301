//go:build !linux

package main

import "errors"

// lowerPriority is only implemented on Linux.
func lowerPriority(int) error {
	return errors.New("lowering the priority is not supported on this system")
}
