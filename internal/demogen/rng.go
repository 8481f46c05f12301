package main

import (
	"fmt"
	"hash/fnv"
	"time"
)

// rng is a small splitmix64 generator. It is used instead of math/rand so the
// corpus stays byte-identical across Go releases: only this file decides
// which numbers come out for a given seed.
type rng struct{ s uint64 }

func newRNG(seed uint64) *rng { return &rng{s: seed} }

// fork derives an independent generator from r's seed and a label, so adding
// a message to one scenario does not shift the numbers of every other one.
func (r *rng) fork(label string) *rng {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", r.s, label)
	return newRNG(h.Sum64())
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n).
func (r *rng) intn(n int) int {
	if n <= 0 {
		panic("intn: n <= 0")
	}
	return int(r.next() % uint64(n))
}

// between returns a number in [lo, hi] (lo when hi < lo).
func (r *rng) between(lo, hi int) int {
	if hi < lo {
		return lo
	}
	return lo + r.intn(hi-lo+1)
}

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) chance(p float64) bool { return r.float() < p }

func (r *rng) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.intn(16)]
	}
	return string(b)
}

func (r *rng) upperHex(n int) string {
	const digits = "0123456789ABCDEF"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.intn(16)]
	}
	return string(b)
}

func (r *rng) alnum(n int) string {
	const digits = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.intn(len(digits))]
	}
	return string(b)
}

func (r *rng) bytes(n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.next()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// duration returns a duration in [lo, hi].
func (r *rng) duration(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	return lo + time.Duration(r.next()%uint64(hi-lo+1))
}

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }
