package imapsync_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/imapsync"
	"github.com/mailaccess/mailaccess/internal/testenv"
	"github.com/mailaccess/mailaccess/mailaccess"
)

// assertNoDrift fails the test when the cache differs from the server.
func (f *fixture) assertNoDrift() {
	f.t.Helper()
	rep, err := f.syncer.Check(context.Background(), f.account.ID)
	if err != nil {
		f.t.Fatalf("check: %v", err)
	}
	if len(rep.Drift) > 0 {
		n := min(len(rep.Drift), 10)
		f.t.Fatalf("check found %d differences, first %d: %+v", len(rep.Drift), n, rep.Drift[:n])
	}
}

func (f *fixture) sync(name string) imapsync.MailboxResult {
	f.t.Helper()
	res, err := f.syncer.SyncMailbox(context.Background(), f.account.ID, name, nil)
	if err != nil {
		f.t.Fatalf("sync %s: %v", name, err)
	}
	return res
}

func (f *fixture) syncAll() {
	f.t.Helper()
	if _, err := f.syncer.SyncAccount(context.Background(), f.account.ID, nil); err != nil {
		f.t.Fatalf("sync account: %v", err)
	}
}

func storeFlags(t *testing.T, c *imapclient.Client, op imap.StoreFlagsOp, flags []imap.Flag, uids ...imap.UID) {
	t.Helper()
	var set imap.UIDSet
	set.AddNum(uids...)
	if err := c.Store(set, &imap.StoreFlags{Op: op, Flags: flags, Silent: true}, nil).Close(); err != nil {
		t.Fatal(err)
	}
}

func expunge(t *testing.T, c *imapclient.Client, uids ...imap.UID) {
	t.Helper()
	storeFlags(t, c, imap.StoreFlagsAdd, []imap.Flag{imap.FlagDeleted}, uids...)
	var set imap.UIDSet
	set.AddNum(uids...)
	if err := c.UIDExpunge(set).Close(); err != nil {
		t.Fatal(err)
	}
}

func selectBox(t *testing.T, c *imapclient.Client, name string) {
	t.Helper()
	if _, err := c.Select(name, nil).Wait(); err != nil {
		t.Fatal(err)
	}
}

// seedMaildir writes messages straight into a folder's Maildir (much faster
// than APPEND) and hands them to Dovecot. The folder must exist.
func seedMaildir(t *testing.T, server *testenv.DovecotServer, user, folder string, msgs [][]byte) {
	t.Helper()
	dir := server.MaildirOf(user)
	if dir == "" {
		t.Fatal("Dovecot's directory is unknown")
	}
	if folder != "INBOX" {
		dir = filepath.Join(dir, folder)
	}
	for i, raw := range msgs {
		name := filepath.Join(dir, "new", fmt.Sprintf("1700000000.M%dP%d.seed", i, os.Getpid()))
		if err := os.WriteFile(name, raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := server.ChownMail(dir); err != nil {
		t.Fatal(err)
	}
}

// TestSyncIsExact walks one account through everything another client can
// do to a mailbox; after each step a sync makes the cache exactly equal to
// the server, as check confirms.
func TestSyncIsExact(t *testing.T) {
	ctx := context.Background()
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		c := fx.client()
		t.Run("initial_sync_copies_every_message_and_flag", func(t *testing.T) {
			for i := 1; i <= 30; i++ {
				var flags []imap.Flag
				if i%4 == 0 {
					flags = append(flags, imap.FlagSeen, "$Label1")
				}
				appendMessage(t, c, "INBOX", simpleMessage(i), flags...)
			}
			fx.syncAll()
			fx.assertNoDrift()
		})
		t.Run("new_mail_is_added", func(t *testing.T) {
			for i := 31; i <= 40; i++ {
				appendMessage(t, c, "INBOX", simpleMessage(i))
			}
			if res := fx.sync("INBOX"); res.Added != 10 || res.Vanished != 0 {
				t.Fatalf("%+v, want 10 added", res)
			}
			fx.assertNoDrift()
		})
		t.Run("flags_changed_by_another_client_are_applied", func(t *testing.T) {
			selectBox(t, c, "INBOX")
			storeFlags(t, c, imap.StoreFlagsAdd, []imap.Flag{imap.FlagFlagged, imap.FlagAnswered}, 1, 2, 3)
			storeFlags(t, c, imap.StoreFlagsDel, []imap.Flag{imap.FlagSeen}, 4, 8)
			storeFlags(t, c, imap.StoreFlagsSet, []imap.Flag{"$Custom", imap.FlagDraft}, 35)
			if res := fx.sync("INBOX"); res.Updated != 6 {
				t.Fatalf("%+v, want 6 updated", res)
			}
			fx.assertNoDrift()
		})
		t.Run("messages_expunged_by_another_client_vanish", func(t *testing.T) {
			selectBox(t, c, "INBOX")
			expunge(t, c, 1, 10, 11, 12, 40)
			if res := fx.sync("INBOX"); res.Vanished != 5 || res.Added != 0 {
				t.Fatalf("%+v, want 5 vanished", res)
			}
			fx.assertNoDrift()
		})
		t.Run("expunges_and_new_mail_together_are_both_seen", func(t *testing.T) {
			selectBox(t, c, "INBOX")
			expunge(t, c, 20, 21)
			appendMessage(t, c, "INBOX", simpleMessage(41))
			appendMessage(t, c, "INBOX", simpleMessage(42))
			if res := fx.sync("INBOX"); res.Vanished != 2 || res.Added != 2 {
				t.Fatalf("%+v, want 2 vanished, 2 added", res)
			}
			fx.assertNoDrift()
		})
		t.Run("flag_changes_expunges_and_new_mail_together_are_all_seen", func(t *testing.T) {
			selectBox(t, c, "INBOX")
			storeFlags(t, c, imap.StoreFlagsAdd, []imap.Flag{imap.FlagFlagged}, 13, 14, 41)
			storeFlags(t, c, imap.StoreFlagsAdd, []imap.Flag{imap.FlagSeen}, 5)
			expunge(t, c, 6, 7, 42)
			appendMessage(t, c, "INBOX", simpleMessage(43))
			if res := fx.sync("INBOX"); res.Updated != 4 || res.Vanished != 3 || res.Added != 1 {
				t.Fatalf("%+v, want 4 updated, 3 vanished, 1 added", res)
			}
			fx.assertNoDrift()
		})
		t.Run("a_wrong_record_of_known_gaps_is_caught_by_the_self_check", func(t *testing.T) {
			// The record says the cache lacks UID 9, which it holds; the
			// server then expunges 9. The pass does not look for 9 in the
			// cache, counts one message too many and repairs.
			mb, err := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
			if err != nil {
				t.Fatal(err)
			}
			if err := fx.store.SaveKnownGaps(ctx, fx.account.ID, mb.ID, mb.UIDValidity, mb.LastUID, []mailaccess.UIDRange{{First: 9, Last: 9}}); err != nil {
				t.Fatal(err)
			}
			selectBox(t, c, "INBOX")
			expunge(t, c, 9)
			if res := fx.sync("INBOX"); res.Vanished != 1 {
				t.Fatalf("%+v, want 1 vanished", res)
			}
			fx.assertNoDrift()
			// The pass repaired, so it forgot the record: had it looked
			// for 9 regardless, it would have recorded the server's gaps.
			if got, _, err := fx.store.KnownGaps(ctx, fx.account.ID, mb.ID, mb.UIDValidity); err != nil || got != nil {
				t.Fatalf("known gaps after the repair: %v, %v; want none", got, err)
			}
			selectBox(t, c, "INBOX")
			expunge(t, c, 13)
			if res := fx.sync("INBOX"); res.Vanished != 1 {
				t.Fatalf("next pass: %+v, want 1 vanished", res)
			}
			fx.assertNoDrift()
			// The pass recorded the server's gaps as they are now.
			found, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
			if err != nil {
				t.Fatal(err)
			}
			var want []mailaccess.UIDRange
			next := imap.UID(1)
			for _, u := range found.AllUIDs() {
				if u > next {
					want = append(want, mailaccess.UIDRange{First: mailaccess.UID(next), Last: mailaccess.UID(u - 1)})
				}
				next = u + 1
			}
			got, upto, err := fx.store.KnownGaps(ctx, fx.account.ID, mb.ID, mb.UIDValidity)
			if err != nil || !slices.Equal(got, want) || upto != mailaccess.UID(next-1) {
				t.Fatalf("recorded gaps %v up to %d, %v; want %v up to %d", got, upto, err, want, next-1)
			}
		})
		t.Run("an_emptied_folder_is_emptied_in_the_cache", func(t *testing.T) {
			appendMessage(t, c, "Junk", simpleMessage(1))
			fx.syncAll()
			selectBox(t, c, "Junk")
			expunge(t, c, 1)
			fx.syncAll()
			fx.assertNoDrift()
		})
		t.Run("a_folder_deleted_and_recreated_is_rebuilt", func(t *testing.T) {
			if err := c.Create("Projects", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			appendMessage(t, c, "Projects", simpleMessage(1))
			appendMessage(t, c, "Projects", simpleMessage(2))
			fx.syncAll()
			before, _ := fx.store.MailboxByName(ctx, fx.account.ID, "Projects")
			if err := c.Delete("Projects").Wait(); err != nil {
				t.Fatal(err)
			}
			if err := c.Create("Projects", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			appendMessage(t, c, "Projects", simpleMessage(3))
			fx.syncAll()
			after, _ := fx.store.MailboxByName(ctx, fx.account.ID, "Projects")
			if after.UIDValidity == before.UIDValidity {
				t.Fatalf("UIDVALIDITY stayed %d", after.UIDValidity)
			}
			fx.assertNoDrift()
		})
		t.Run("a_renamed_folder_keeps_its_cache", func(t *testing.T) {
			before, _ := fx.store.MailboxByName(ctx, fx.account.ID, "Projects")
			if err := c.Rename("Projects", "Projects 2026", nil).Wait(); err != nil {
				t.Fatal(err)
			}
			fx.syncAll()
			after, err := fx.store.MailboxByName(ctx, fx.account.ID, "Projects 2026")
			if err != nil {
				t.Fatal(err)
			}
			if after.ID != before.ID || after.Total != 1 {
				t.Fatalf("renamed folder: id %d→%d, total %d", before.ID, after.ID, after.Total)
			}
			if _, err := fx.store.MailboxByName(ctx, fx.account.ID, "Projects"); !errors.Is(err, mailaccess.ErrNotFound) {
				t.Fatalf("old name still cached: %v", err)
			}
			fx.assertNoDrift()
		})
		t.Run("a_deleted_folder_is_dropped", func(t *testing.T) {
			if err := c.Delete("Projects 2026").Wait(); err != nil {
				t.Fatal(err)
			}
			fx.syncAll()
			fx.assertNoDrift()
		})
		t.Run("changes_made_while_a_sync_runs_are_caught_by_the_next_one", func(t *testing.T) {
			for i := 100; i < 130; i++ {
				appendMessage(t, c, "INBOX", simpleMessage(i))
			}
			other := fx.client()
			selectBox(t, other, "INBOX")
			var once sync.Once
			var changeErr error
			progress := func(done, total int) {
				once.Do(func() {
					// Another client, in the middle of our sync: new mail,
					// flags on old and new messages, expunges.
					raw := strings.ReplaceAll(simpleMessage(200), "\n", "\r\n")
					cmd := other.Append("INBOX", int64(len(raw)), nil)
					cmd.Write([]byte(raw))
					cmd.Close()
					if _, err := cmd.Wait(); err != nil {
						changeErr = err
					}
					var set imap.UIDSet
					set.AddNum(2, 3, 50, 60)
					if err := other.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagSeen, imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
						changeErr = err
					}
					var gone imap.UIDSet
					gone.AddNum(3, 60)
					if err := other.UIDExpunge(gone).Close(); err != nil {
						changeErr = err
					}
				})
			}
			if _, err := fx.syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", progress); err != nil {
				t.Fatal(err)
			}
			if changeErr != nil {
				t.Fatal(changeErr)
			}
			fx.sync("INBOX")
			fx.assertNoDrift()
		})
		t.Run("a_no_change_resync_changes_nothing", func(t *testing.T) {
			mb, err := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
			if err != nil {
				t.Fatal(err)
			}
			if err := fx.store.SetSyncError(ctx, fx.account.ID, mb.ID, "an earlier failure"); err != nil {
				t.Fatal(err)
			}
			res := fx.sync("INBOX")
			if res.Added+res.Updated+res.Vanished != 0 {
				t.Fatalf("%+v", res)
			}
			// The pass is recorded: the folder shows as synced, without
			// the earlier failure (the web refreshes a folder by its age).
			after, err := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
			if err != nil || after.SyncError != "" || after.SyncedAt.Before(mb.SyncedAt.Time) {
				t.Fatalf("after a no-change pass: synced %v (before %v), error %q, %v", after.SyncedAt, mb.SyncedAt, after.SyncError, err)
			}
			fx.assertNoDrift()
		})
		t.Run("an_account_sync_passes_only_the_folders_that_changed", func(t *testing.T) {
			fx.syncAll()
			uids := fx.serverUIDs(c, "INBOX")
			storeFlags(t, c, imap.StoreFlagsAdd, []imap.Flag{"$Reviewed"}, imap.UID(uids[0]))
			results, err := fx.syncer.SyncAccount(ctx, fx.account.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			condstore := c.Caps().Has(imap.CapCondStore)
			for _, r := range results {
				switch {
				case r.Name == "INBOX" && (r.Skipped || r.Updated != 1):
					t.Errorf("INBOX, where a flag changed: %+v, want a pass that updates 1 message", r)
				case r.Name != "INBOX" && r.Skipped != condstore:
					// With CONDSTORE the status of an unchanged folder
					// proves it unchanged; without, every folder is passed.
					t.Errorf("%s, unchanged: skipped %v, want %v", r.Name, r.Skipped, condstore)
				}
			}
			if len(results) < 3 {
				t.Fatalf("%d folders synced, want INBOX and the special-use folders: %+v", len(results), results)
			}
			fx.assertNoDrift()
		})
	})
}

func TestConnectionCutMidBatch(t *testing.T) {
	ctx := context.Background()
	for _, srv := range []struct {
		name   string
		server func(testing.TB) *testenv.DovecotServer
	}{{"condstore", testenv.IMAP}, {"no_condstore", testenv.IMAPNoCondstore}} {
		t.Run(srv.name, func(t *testing.T) {
			t.Parallel()
			t.Run("the_sync_reconnects_and_stores_every_message_once", func(t *testing.T) {
				fx := newFixture(t, srv.server(t), mailaccess.SQLite)
				c := fx.client()
				for i := 1; i <= 40; i++ {
					appendMessage(t, c, "INBOX", simpleMessage(i))
				}
				proxy := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{CutAfter: 6000})
				syncer := imapsync.New(imapsync.Config{Address: proxy.Addr(), TLS: "none", BatchSize: 7}, fx.store, func(context.Context, int64) (string, string, error) {
					return fx.user, fx.server.Password, nil
				}, nil)
				res, err := syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
				if err != nil {
					t.Fatal(err)
				}
				if !proxy.Cut.Load() {
					t.Fatal("the proxy never cut the connection")
				}
				if res.Added != 40 {
					t.Fatalf("%+v, want 40 added", res)
				}
				fx.syncAll()
				fx.assertNoDrift()
			})
			t.Run("a_sync_cut_for_good_resumes_without_duplicates_or_gaps", func(t *testing.T) {
				fx := newFixture(t, srv.server(t), mailaccess.Postgres)
				c := fx.client()
				for i := 1; i <= 40; i++ {
					appendMessage(t, c, "INBOX", simpleMessage(i))
				}
				proxy := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{CutAfter: 9000})
				proxy.Down.Store(false)
				syncer := imapsync.New(imapsync.Config{Address: proxy.Addr(), TLS: "none", BatchSize: 7}, fx.store, func(context.Context, int64) (string, string, error) {
					if proxy.Cut.Load() {
						proxy.Down.Store(true) // the server is gone for good
					}
					return fx.user, fx.server.Password, nil
				}, nil)
				if _, err := syncer.SyncFolders(ctx, fx.account.ID); err != nil {
					t.Fatal(err)
				}
				_, err := syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
				if !errors.Is(err, mailaccess.ErrUnreachable) {
					t.Fatalf("sync through a dead server: %v, want ErrUnreachable", err)
				}
				mb, _ := fx.store.MailboxByName(ctx, fx.account.ID, "INBOX")
				stored := fx.cachedUIDs("INBOX")
				if len(stored) == 0 || len(stored) == 40 || mb.LastUID == 0 {
					t.Fatalf("after the cut: %d stored, checkpoint %d; want whole batches", len(stored), mb.LastUID)
				}
				if want := stored[len(stored)-1]; mb.LastUID > want {
					t.Fatalf("checkpoint %d past the last stored uid %d", mb.LastUID, want)
				}
				res := fx.sync("INBOX") // the server is back
				if res.Added != 40-len(stored) {
					t.Fatalf("resumed: %+v, want %d added", res, 40-len(stored))
				}
				fx.syncAll()
				fx.assertNoDrift()
			})
		})
	}
}

// cancelledPass syncs a folder and cancels the pass once 7 new messages
// are stored.
func (fx *fixture) cancelledPass(mailbox string) {
	fx.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := fx.syncer.SyncMailbox(ctx, fx.account.ID, mailbox, func(done, total int) {
		if done >= 7 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		fx.t.Fatalf("cancelled pass: %v, want context.Canceled", err)
	}
}

func TestCancelledSyncResumes(t *testing.T) {
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		c := fx.client()
		for i := 1; i <= 40; i++ {
			appendMessage(t, c, "INBOX", simpleMessage(i))
		}
		fx.cancelledPass("INBOX")
		stored := fx.cachedUIDs("INBOX")
		if len(stored) == 40 {
			t.Fatal("the cancelled sync finished anyway")
		}
		res := fx.sync("INBOX")
		if res.Added != 40-len(stored) {
			t.Fatalf("resumed: %+v, want %d added", res, 40-len(stored))
		}
		fx.syncAll()
		fx.assertNoDrift()
	})
}

// TestResyncsReuseTheLoggedInConnection: a worker's passes over the same
// account share one warm connection (no new handshake and LOGIN per pass),
// and a connection left by a cancelled pass is not handed to the next one.
func TestResyncsReuseTheLoggedInConnection(t *testing.T) {
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		c := fx.client()
		for i := 1; i <= 30; i++ {
			appendMessage(t, c, "INBOX", simpleMessage(i))
		}
		proxy := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{})
		syncer := imapsync.New(imapsync.Config{Address: proxy.Addr(), TLS: "none", BatchSize: 7}, fx.store, func(context.Context, int64) (string, string, error) {
			return fx.user, fx.server.Password, nil
		}, nil)
		ctx := context.Background()
		var first int64
		for i := range 4 {
			res, err := syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 && res.Added != 30 || i > 0 && res.Added+res.Updated+res.Vanished != 0 {
				t.Fatalf("pass %d: %+v", i, res)
			}
			if i == 0 {
				first = proxy.Accepted.Load()
			}
		}
		if n := proxy.Accepted.Load() - first; n != 0 {
			t.Fatalf("three resyncs after the first pass opened %d new connections, want 0", n)
		}
		appendMessage(t, c, "INBOX", simpleMessage(31))
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := syncer.SyncMailbox(cctx, fx.account.ID, "INBOX", nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled pass: %v", err)
		}
		res, err := syncer.SyncMailbox(ctx, fx.account.ID, "INBOX", nil)
		if err != nil || res.Added != 1 {
			t.Fatalf("pass after a cancelled one: %+v, %v", res, err)
		}
		fx.syncAll()
		fx.assertNoDrift()
	})
}

// TestCutPassThenExpungesIsExact: a pass cut after storing some new
// messages moves the checkpoint without recounting the folder; when as many
// older messages are then expunged elsewhere as the cut pass stored, the
// server's count alone would look unchanged. The next pass must still find
// the vanished ones.
func TestCutPassThenExpungesIsExact(t *testing.T) {
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		ctx := context.Background()
		c := fx.client()
		for i := 1; i <= 20; i++ {
			appendMessage(t, c, "INBOX", simpleMessage(i))
		}
		fx.sync("INBOX")
		for i := 21; i <= 60; i++ {
			appendMessage(t, c, "INBOX", simpleMessage(i))
		}
		// A pass through a connection cut for good in the middle of the
		// new messages stores whole batches and stops.
		proxy := testenv.StartProxy(t, fx.server.Addr, testenv.ProxyOptions{CutAfter: 9000})
		cut := imapsync.New(imapsync.Config{Address: proxy.Addr(), TLS: "none", BatchSize: 7}, fx.store, func(context.Context, int64) (string, string, error) {
			if proxy.Cut.Load() {
				proxy.Down.Store(true)
			}
			return fx.user, fx.server.Password, nil
		}, nil)
		if _, err := cut.SyncMailbox(ctx, fx.account.ID, "INBOX", nil); !errors.Is(err, mailaccess.ErrUnreachable) {
			t.Fatalf("cut pass: %v, want ErrUnreachable", err)
		}
		stored := len(fx.cachedUIDs("INBOX")) - 20
		if stored <= 0 || stored >= 20 {
			t.Fatalf("the cut pass stored %d new messages, want between 1 and 19", stored)
		}
		selectBox(t, c, "INBOX")
		var gone []imap.UID
		for i := 1; i <= stored; i++ {
			gone = append(gone, imap.UID(i))
		}
		expunge(t, c, gone...)
		res := fx.sync("INBOX")
		if res.Vanished != stored || res.Added != 40-stored {
			t.Fatalf("%+v, want %d vanished and %d added", res, stored, 40-stored)
		}
		fx.syncAll()
		fx.assertNoDrift()
	})
}

// hostileCorpus returns the messages of testdata/hostile and a message
// with a 20 MB attachment.
func hostileCorpus(t *testing.T) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../testdata/hostile/*.eml")
	if err != nil || len(files) == 0 {
		t.Fatalf("hostile corpus: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = raw
	}
	out["attachment-20mb.eml"] = bigAttachment(20 << 20)
	return out
}

func bigAttachment(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Big <big@example.org>\r\nTo: you@example.org\r\nSubject: 20 MB\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nA large file.\r\n" +
		"--b\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	rng := rand.New(rand.NewPCG(1, 2))
	chunk := make([]byte, 57)
	enc := make([]byte, base64.StdEncoding.EncodedLen(57))
	for n := 0; n < size; n += 57 {
		for i := range chunk {
			chunk[i] = byte(rng.Uint32())
		}
		base64.StdEncoding.Encode(enc, chunk)
		b.Write(enc)
		b.WriteString("\r\n")
	}
	b.WriteString("--b--\r\n")
	return b.Bytes()
}

func TestHostileMessagesAreStored(t *testing.T) {
	ctx := context.Background()
	corpus := hostileCorpus(t)
	var names []string
	for name := range corpus {
		names = append(names, name)
	}
	slices.Sort(names)
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		c := fx.client()
		if err := c.Create("Hostile", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		var msgs [][]byte
		for _, name := range names {
			msgs = append(msgs, corpus[name])
		}
		seedMaildir(t, fx.server, fx.user, "Hostile", msgs)
		fx.syncAll()
		mb, err := fx.store.MailboxByName(ctx, fx.account.ID, "Hostile")
		if err != nil {
			t.Fatal(err)
		}
		if mb.Total != len(msgs) {
			t.Fatalf("%d of %d hostile messages cached", mb.Total, len(msgs))
		}
		list, _, err := fx.store.ListMessages(ctx, fx.account.ID, mb.ID, nil, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list {
			full, err := fx.store.Message(ctx, fx.account.ID, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{full.Subject, full.FromName, full.FromAddr, full.To, full.Cc, full.ReplyTo, full.MessageID,
				full.InReplyTo, full.References, full.Structure, full.Preview, full.Flags} {
				if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
					t.Fatalf("uid %d stores an invalid string %q", m.UID, s)
				}
			}
			if full.Structure == "" {
				t.Fatalf("uid %d (%q) has no structure", m.UID, full.Subject)
			}
		}
		fx.assertNoDrift()
	})
}

// failingStore is the fixture's store whose StoreMessages fails from its
// failAt-th call on, as a full disk would.
type failingStore struct {
	*mailaccess.Store
	calls, failAt int
}

var errDiskFull = errors.New("disk full")

func (s *failingStore) StoreMessages(ctx context.Context, accountID, mailboxID int64, msgs []mailaccess.Message, checkpoint mailaccess.UID) error {
	s.calls++
	if s.calls >= s.failAt {
		return errDiskFull
	}
	return s.Store.StoreMessages(ctx, accountID, mailboxID, msgs, checkpoint)
}

// TestStoreFailureMidFetchEndsThePass: when the cache cannot take a batch in
// the middle of a large fetch, the pass ends with that error at once (the
// rest of the server's answer is abandoned, not waited for), keeps what was
// stored, and the next pass completes the folder exactly.
func TestStoreFailureMidFetchEndsThePass(t *testing.T) {
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		msgs := make([][]byte, 600)
		for i := range msgs {
			msgs[i] = []byte(strings.ReplaceAll(simpleMessage(i+1), "\n", "\r\n"))
		}
		selectBox(t, fx.client(), "INBOX") // Dovecot makes the INBOX's Maildir
		seedMaildir(t, fx.server, fx.user, "INBOX", msgs)
		failing := &failingStore{Store: fx.store, failAt: 3}
		s := imapsync.New(imapsync.Config{Address: fx.server.Addr, TLS: "none", BatchSize: 20}, failing, func(context.Context, int64) (string, string, error) {
			return fx.user, fx.server.Password, nil
		}, nil)
		done := make(chan error, 1)
		go func() {
			_, err := s.SyncMailbox(context.Background(), fx.account.ID, "INBOX", nil)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, errDiskFull) {
				t.Fatalf("pass with a failing store: %v, want the store's error", err)
			}
		case <-time.After(time.Minute):
			t.Fatal("the pass did not end after the store failed")
		}
		if n := len(fx.cachedUIDs("INBOX")); n == 0 || n >= 600 {
			t.Fatalf("%d messages cached after the failed pass, want the batches stored before it", n)
		}
		fx.syncAll()
		fx.assertNoDrift()
	})
}

// TestAFolderWithManyGapsIsFetchedWhole: the new messages of a folder where
// many were expunged make a long UID set (a folder with 30,000 gaps makes
// 350 KB, where Dovecot refuses command lines over 64 KiB). The pass
// fetches them in several commands (here 3,000 gaps, two commands), and
// exactly.
func TestAFolderWithManyGapsIsFetchedWhole(t *testing.T) {
	forEachSetup(t, func(t *testing.T, fx *fixture) {
		c := fx.client()
		if err := c.Create("Gaps", nil).Wait(); err != nil {
			t.Fatal(err)
		}
		const n = 6000
		msgs := make([][]byte, n)
		for i := range msgs {
			msgs[i] = fmt.Appendf(nil, "From: a@example.org\r\nSubject: gap %d\r\nMessage-ID: <gap-%d@example.org>\r\n\r\nhello\r\n", i, i)
		}
		seedMaildir(t, fx.server, fx.user, "Gaps", msgs)
		selectBox(t, c, "Gaps")
		// Every other message expunged, in commands of 1,000 UIDs.
		for first := imap.UID(2); first <= n; first += 2000 {
			var set imap.UIDSet
			for u := first; u < first+2000 && u <= n; u += 2 {
				set.AddNum(u)
			}
			if err := c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}, Silent: true}, nil).Close(); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Expunge().Close(); err != nil {
			t.Fatal(err)
		}
		if res := fx.sync("Gaps"); res.Added != n/2 || res.Messages != n/2 {
			t.Fatalf("%+v, want %d added", res, n/2)
		}
		fx.syncAll()
		fx.assertNoDrift()
	})
}

// While a large folder is first fetched, its pages are read from the cache
// as it fills: on PostgreSQL the database's statistics are refreshed once
// the pass has stored mailaccess.AnalyzeMinAdded messages, so that the
// folder's first page is read from its list index and not by sorting all
// of it, before the pass ends too.
func TestALargeFolderIsListedByIndexWhileItFills(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t, testenv.IMAP(t), mailaccess.Postgres)
	if err := fx.client().Create("Large", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	n := mailaccess.AnalyzeMinAdded + 2000
	msgs := make([][]byte, n)
	for i := range msgs {
		msgs[i] = fmt.Appendf(nil, "From: a@example.org\r\nSubject: large %d\r\nMessage-ID: <large-%d@example.org>\r\n\r\nhello\r\n", i, i)
	}
	seedMaildir(t, fx.server, fx.user, "Large", msgs)
	if _, err := fx.syncer.SyncFolders(ctx, fx.account.ID); err != nil {
		t.Fatal(err)
	}
	mb, err := fx.store.MailboxByName(ctx, fx.account.ID, "Large")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("postgres", fx.url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var plan []string
	checked := false
	progress := func(done, total int) {
		if checked || done < mailaccess.AnalyzeMinAdded || done == total {
			return
		}
		checked = true
		rows, err := db.QueryContext(ctx, `EXPLAIN SELECT id FROM messages WHERE account_id = $1 AND mailbox_id = $2
			ORDER BY internal_date DESC, uid DESC LIMIT 51`, fx.account.ID, mb.ID)
		if err != nil {
			t.Error(err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Error(err)
			}
			plan = append(plan, line)
		}
	}
	res, err := fx.syncer.SyncMailbox(ctx, fx.account.ID, "Large", progress)
	if err != nil || res.Added != n {
		t.Fatalf("%+v, %v; want %d added", res, err, n)
	}
	if !checked {
		t.Fatalf("no progress between %d messages and the end", mailaccess.AnalyzeMinAdded)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "Index Scan using messages_list") {
		t.Fatalf("while the folder filled, its first page was not read from the list index:\n%s", strings.Join(plan, "\n"))
	}
	fx.syncAll()
	fx.assertNoDrift()
}
