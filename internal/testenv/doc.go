// Package testenv gives integration tests real servers: a PostgreSQL
// cluster and Dovecot IMAP servers, run as plain processes on free ports
// of 127.0.0.1 with all their files in a temporary directory.
//
// # Job
//
// StartPostgres and StartDovecot start one server each and return once it
// answers (a successful PostgreSQL ping; an IMAP greeting and LOGIN); Stop
// shuts it down. TempDir makes the directory to start them in. The harness command (internal/harness) uses them to start
// one PostgreSQL and two Dovecots for a whole `go test ./...` run and
// passes them on in the Env* environment variables.
//
// Tests use the helpers, which take the servers from those variables or,
// when a variable is unset, start the server themselves once per test
// binary:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
//	func TestX(t *testing.T) {
//		dbURL := testenv.PostgresDB(t)  // a fresh database, dropped after the test
//		srv := testenv.IMAP(t)          // Dovecot with CONDSTORE and QRESYNC
//		user := srv.NewUser(t)          // a fresh, empty mailbox tree
//		c, _ := imapclient.DialInsecure(srv.Addr, nil)
//		c.Login(user, srv.Password).Wait()
//	}
//
// # Invariants
//
//   - No test is skipped for a missing server: a helper starts it or fails
//     the test, naming the Debian package to install (see MissingError).
//   - Readiness is awaited by polling a condition under a deadline (the
//     context's, else 60s), never by sleeping a fixed time; a server that
//     exits during start-up fails at once with the tail of its log.
//   - Servers listen on 127.0.0.1 only; every other socket is a Unix
//     socket inside the server's directory.
//   - Every server runs in its own process group with a parent-death
//     signal (forked from an OS thread that lives as long as the process),
//     so it dies with the process that started it, even on SIGKILL. Stop
//     escalates to SIGKILL and then kills whatever is left in the process
//     group or has its working directory inside the server's directory
//     (PostgreSQL backends leave the group), until nothing is left.
//   - Main stops lazily started servers and removes their directory after
//     the tests, and on SIGINT or SIGTERM.
//   - Tests are isolated by naming: each PostgresDB call creates its own
//     database, each NewUser call returns an unused IMAP user; all Dovecot
//     users share one password. A wrong password fails at once, without
//     Dovecot's failure delay and per-IP penalty, so tests of failed logins
//     slow down no other test.
//
// # Root
//
// PostgreSQL refuses to run as root, so as root its directory is given to
// the "postgres" user (else "nobody") and it runs as that user. Dovecot's
// master runs as root, with logins as "dovenull", internal services as
// "dovecot" and mail access as "nobody"; the mail under Dovecot.Dir/mail
// then belongs to nobody, and files a test writes there must be handed
// over with ChownMail. The directories given to StartPostgres and
// StartDovecot must then be reachable by those users (a directory under
// /tmp is). Run as another user, everything runs as that user.
//
// # Limits
//
//   - Linux only (process groups, Pdeathsig, /proc), Dovecot 2.3 only.
//   - A port is picked free and then handed to the server, so another
//     process can take it in between; the start is then retried on a new
//     port, a few times.
//   - Durability is off (PostgreSQL fsync=off, Dovecot mail_fsync=never):
//     data does not survive a crash, which tests never need.
//   - If the process that started the servers is SIGKILLed (or a test
//     binary panics on -timeout), the servers die with it but their
//     directory stays until the next TempDir call removes it.
//   - IMAPNoCondstore only stops advertising CONDSTORE and QRESYNC;
//     Dovecot still obeys a client that uses them anyway.
//   - Without TestMain calling Main, the helpers work only with servers
//     from the environment (as under the harness) and fail the test
//     otherwise, because nothing would stop what they started.
package testenv
