package testenv

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// ProxyOptions say what a Proxy does besides forwarding.
type ProxyOptions struct {
	// CutAfter > 0 cuts the first connection whose server-to-client
	// traffic passes that many bytes, in the middle of what it forwards.
	CutAfter int64
	// HoldAfter > 0 holds the server's answers, on every connection, once
	// that many bytes of them (all connections together) went through,
	// until Open is called.
	HoldAfter int64
}

// Proxy forwards TCP connections to a server (an IMAP server, in the tests)
// on a loopback port, and lets a test break, hold or count what goes
// through. It stops when the test ends.
type Proxy struct {
	ln     net.Listener
	target string
	opts   ProxyOptions
	passed atomic.Int64 // answer bytes forwarded, all connections
	opened chan struct{}
	once   sync.Once

	Cut      atomic.Bool  // a connection was cut (CutAfter)
	Down     atomic.Bool  // set: new connections are refused
	Accepted atomic.Int64 // connections accepted
	Commands atomic.Int64 // lines "TAG VERB ..." the clients sent
	Selects  atomic.Int64 // SELECT and EXAMINE commands
	Logouts  atomic.Int64 // LOGOUT commands
}

// StartProxy starts a proxy to target.
func StartProxy(t testing.TB, target string, opts ProxyOptions) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, target: target, opts: opts, opened: make(chan struct{})}
	t.Cleanup(func() { p.Open(); ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			if p.Down.Load() {
				client.Close()
				continue
			}
			p.Accepted.Add(1)
			go p.serve(client)
		}
	}()
	return p
}

// Addr is the proxy's address.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Open lets held answers through, from now on.
func (p *Proxy) Open() { p.once.Do(func() { close(p.opened) }) }

func (p *Proxy) serve(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	go func() {
		p.forwardCommands(client, server)
		server.Close()
	}()
	var n int64
	buf := make([]byte, 4096)
	for {
		k, err := server.Read(buf)
		if k > 0 {
			if p.opts.CutAfter > 0 && !p.Cut.Load() && n+int64(k) > p.opts.CutAfter {
				// Forward part of the chunk, then drop both sides: the
				// client sees a response cut in the middle.
				client.Write(buf[:max(0, p.opts.CutAfter-n)])
				p.Cut.Store(true)
				return
			}
			n += int64(k)
			if p.opts.HoldAfter > 0 && p.passed.Add(int64(k)) > p.opts.HoldAfter {
				<-p.opened
			}
			if _, err := client.Write(buf[:k]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// forwardCommands copies the client's lines to the server, counting the
// commands (the bytes are forwarded as they are, literals included).
func (p *Proxy) forwardCommands(client, server net.Conn) {
	r := bufio.NewReader(client)
	for {
		line, err := r.ReadString('\n')
		if len(line) > 0 {
			if f := strings.Fields(line); len(f) >= 2 {
				p.Commands.Add(1)
				switch strings.ToUpper(f[1]) {
				case "SELECT", "EXAMINE":
					p.Selects.Add(1)
				case "LOGOUT":
					p.Logouts.Add(1)
				}
			}
			if _, err := io.WriteString(server, line); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
