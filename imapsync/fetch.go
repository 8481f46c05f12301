package imapsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// batchMaxBytes bounds the cached size of one batch (strings and
// structures), whatever Config.BatchSize says.
const batchMaxBytes = 2 << 20

// writerQueue is how many complete batches may wait for the writer; the
// writer commits all that wait in one transaction.
const writerQueue = 16

// fallbackRawBytes is how much of a message is fetched for parsing it
// locally when the server or go-imap cannot deliver its summary.
const fallbackRawBytes = 256 << 10

// errStop: the writer failed and the stream must stop.
var errStop = errors.New("stop")

type batch struct {
	msgs       []mailaccess.Message
	checkpoint mailaccess.UID
}

// fetchNew fetches the summaries of uids (ascending) in one streamed FETCH
// and stores them in batches, each with its checkpoint, in a writer
// goroutine so that the database works while the server sends. A message
// that breaks the command (the connection drops, or its response cannot be
// parsed) is isolated by reconnecting and fetching it alone, then, if it
// still fails, stored from a local parse of its raw bytes or with whatever
// could be fetched. It returns how many messages were stored.
func (ss *session) fetchNew(ctx context.Context, m mailaccess.Mailbox, uids []mailaccess.UID, progress Progress) (int, error) {
	s := ss.s
	// Group commit: while the writer commits, the fetcher queues batches;
	// the writer then takes every queued batch in one transaction. A
	// transaction's cost is mostly the index pages it rewrites, so when
	// the database is the slower side the commits grow (up to
	// writerQueue batches) and the writer catches up, and when the server
	// is slower each batch is committed as soon as it is complete.
	batches := make(chan batch, writerQueue)
	writerDone := make(chan struct{})
	writerFailed := make(chan struct{}) // closed at the writer's first error
	var (
		stored   int
		writeErr error
		analyzed bool // the mid-way refresh of the statistics is done
	)
	go func() {
		defer close(writerDone)
		var group []mailaccess.Message
		for b := range batches {
			if writeErr != nil {
				continue
			}
			group = append(group[:0], b.msgs...)
			checkpoint := b.checkpoint
			// The first batch goes alone, so that a new folder shows its
			// first messages as soon as they are fetched.
			n := writerQueue - 1
			if stored == 0 {
				n = 0
			}
		drain:
			for range n {
				select {
				case more, ok := <-batches:
					if !ok {
						break drain
					}
					group = append(group, more.msgs...)
					checkpoint = max(checkpoint, more.checkpoint)
				default:
					break drain
				}
			}
			if err := s.store.StoreMessages(ctx, m.AccountID, m.ID, group, checkpoint); err != nil {
				writeErr = err
				close(writerFailed) // the fetch stops; the rest of batches is drained
				continue
			}
			stored += len(group)
			// A large load makes the database's statistics stale while the
			// folder fills, and its pages are read meanwhile: they are
			// refreshed once mid-way too, not only at the end of the pass
			// (see Store.AnalyzeAfterLoad).
			if !analyzed && stored >= mailaccess.AnalyzeMinAdded {
				analyzed = true
				if _, err := s.store.AnalyzeAfterLoad(ctx, stored); err != nil {
					s.log.Warn("refresh the database's statistics during a large sync", "account", m.AccountID, "mailbox", m.Name, "stored", stored, "error", err)
				}
			}
			if progress != nil {
				progress(stored, len(uids))
			}
		}
	}()
	failed := func() bool {
		select {
		case <-writerFailed:
			return true
		default:
			return false
		}
	}

	var (
		cur      []mailaccess.Message
		curBytes int
		emitted  int // distinct UIDs of uids handed to batches, in order
		last     mailaccess.UID
	)
	send := func(final bool) error {
		if len(cur) == 0 && !final {
			return nil
		}
		b := batch{msgs: cur}
		if len(cur) > 0 {
			top := cur[0].UID
			for _, msg := range cur {
				top = max(top, msg.UID)
			}
			// Move the checkpoint only when every requested UID up to it
			// has been stored (or the stream has ended: the rest vanished).
			if below := sort.Search(len(uids), func(i int) bool { return uids[i] > top }); emitted >= below {
				b.checkpoint = top
			}
		}
		if final && len(uids) > 0 {
			b.checkpoint = uids[len(uids)-1]
		}
		cur, curBytes = nil, 0
		select {
		case batches <- b:
			return nil
		case <-writerFailed:
			return errStop
		}
	}
	emit := func(msg mailaccess.Message) error {
		if failed() {
			return errStop
		}
		if msg.UID > last {
			emitted++
			last = msg.UID
		}
		cur = append(cur, msg)
		curBytes += approxSize(&msg)
		if len(cur) >= s.cfg.BatchSize || curBytes >= batchMaxBytes {
			return send(false)
		}
		return nil
	}
	finish := func(err error) (int, error) {
		if err == nil {
			err = send(true)
		}
		close(batches)
		<-writerDone
		if writeErr != nil {
			return stored, writeErr
		}
		if errors.Is(err, errStop) {
			err = nil
		}
		return stored, err
	}

	ss.deferred = ss.deferred[:0]
	// Previews cost the server a read of every message file (five times
	// the metadata fetch): only the newest Config.PreviewRecent new
	// messages get one; older ones are fetched without.
	split := max(0, len(uids)-s.cfg.PreviewRecent)
	if s.cfg.PreviewBytes <= 0 {
		split = len(uids)
	}
	for seg, pending := range [][]mailaccess.UID{uids[:split], uids[split:]} {
		ss.withText = seg == 1
		for len(pending) > 0 {
			got, err := ss.streamFetch(ctx, pending, emit)
			pending = without(pending, got)
			if err == nil {
				break // what the server did not return has vanished meanwhile
			}
			if errors.Is(err, errStop) || ctx.Err() != nil {
				ss.c.Close() // the command is still streaming
				return finish(firstOf(ctx.Err(), err))
			}
			if len(pending) == 0 {
				if rerr := ss.recover(ctx, err); rerr != nil {
					return finish(rerr)
				}
				break
			}
			// Responses come in UID order, so the message after the last one
			// received is the suspect: fetch it alone.
			suspect := pending[0]
			s.log.Warn("fetch failed; isolating the message", "account", m.AccountID, "mailbox", m.Name, "uid", suspect, "error", err)
			if rerr := ss.recover(ctx, err); rerr != nil {
				return finish(rerr)
			}
			one := []mailaccess.UID{suspect}
			got, err = ss.streamFetch(ctx, one, emit)
			if errors.Is(err, errStop) || ctx.Err() != nil {
				ss.c.Close()
				return finish(firstOf(ctx.Err(), err))
			}
			if err != nil || len(got) == 0 {
				if rerr := ss.recover(ctx, err); rerr != nil {
					return finish(rerr)
				}
				msg, ok, err := ss.fallbackFetch(ctx, suspect)
				if err != nil {
					return finish(err)
				}
				if ok {
					if err := emit(msg); err != nil {
						return finish(err)
					}
				}
			}
			pending = pending[1:]
		}
	}
	for len(ss.deferred) > 0 {
		uid := ss.deferred[0]
		ss.deferred = ss.deferred[1:]
		msg, ok, err := ss.fallbackFetch(ctx, uid)
		if err != nil {
			return finish(err)
		}
		if ok {
			if err := emit(msg); err != nil {
				return finish(err)
			}
		}
	}
	return finish(nil)
}

// without returns the ascending uids minus got (any order).
func without(uids, got []mailaccess.UID) []mailaccess.UID {
	if len(got) == 0 {
		return uids
	}
	slices.Sort(got)
	out := make([]mailaccess.UID, 0, max(0, len(uids)-len(got)))
	j := 0
	for _, u := range uids {
		for j < len(got) && got[j] < u {
			j++
		}
		if j < len(got) && got[j] == u {
			continue
		}
		out = append(out, u)
	}
	return out
}

func approxSize(m *mailaccess.Message) int {
	return 256 + len(m.Subject) + len(m.FromName) + len(m.FromAddr) + len(m.To) + len(m.Cc) + len(m.ReplyTo) +
		len(m.MessageID) + len(m.InReplyTo) + len(m.References) + len(m.Structure) + len(m.Preview) + len(m.Flags)
}

// summaryOptions is what is fetched of a new message: one command gives the
// flags, dates, size, structure, the header fields of its summary (see
// summaryFields) and the first bytes of the body for the preview.
func (ss *session) summaryOptions() *imap.FetchOptions {
	opts := &imap.FetchOptions{
		UID: true, Flags: true, InternalDate: true, RFC822Size: true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
		BodySection:   []*imap.FetchItemBodySection{summarySection},
		ModSeq:        ss.condstore,
	}
	if n := ss.s.cfg.PreviewBytes; n > 0 && ss.withText {
		opts.BodySection = append(opts.BodySection, &imap.FetchItemBodySection{
			Specifier: imap.PartSpecifierText, Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: int64(n)}})
	}
	return opts
}

// streamFetch fetches the summaries of uids and hands each to emit as it
// arrives. It returns the UIDs received, also on error. A set too long for
// one command line is fetched by several commands (see uidSets).
func (ss *session) streamFetch(ctx context.Context, uids []mailaccess.UID, emit func(mailaccess.Message) error) ([]mailaccess.UID, error) {
	var got []mailaccess.UID
	for _, set := range uidSets(uids, maxSetBytes) {
		cmd := ss.c.c.Fetch(set, ss.summaryOptions())
		for {
			data := cmd.Next()
			if data == nil {
				break
			}
			buf, err := ss.c.collect(data)
			if err != nil {
				return got, ss.s.connErr(ctx, "fetch messages", err)
			}
			if buf.UID == 0 {
				continue
			}
			if buf.BodyStructure == nil || !hasHeaderSection(buf) {
				// The response lacks what go-imap could not parse (it skips
				// a BODYSTRUCTURE it does not understand, e.g. message/global
				// as Dovecot sends it) or what the server did not send:
				// parse the message locally, once this command is over.
				got = append(got, mailaccess.UID(buf.UID))
				ss.deferred = append(ss.deferred, mailaccess.UID(buf.UID))
				continue
			}
			msg := convert(buf)
			got = append(got, msg.UID)
			if err := emit(msg); err != nil {
				ss.c.dropFetch(cmd)
				return got, err
			}
		}
		if err := cmd.Close(); err != nil {
			return got, ss.s.connErr(ctx, "fetch messages", err)
		}
	}
	return got, nil
}

// hasHeaderSection reports whether a summary response holds the header
// fields it asked for.
func hasHeaderSection(buf *imapclient.FetchMessageBuffer) bool {
	for _, sec := range buf.BodySection {
		if sec.Section.Specifier == imap.PartSpecifierHeader {
			return true
		}
	}
	return false
}

// maxSetBytes bounds the text of the UID set of one command. The new
// messages of a folder where many were expunged over the years make a set
// of thousands of ranges: with 30,000 gaps, 350 KB. Dovecot refuses a
// command line over 64 KiB (imap_max_line_length), and RFC 7162 asks
// clients to stay under 8,192 octets; sent whole, such a set failed every
// FETCH, and each retry fetched one message.
const maxSetBytes = 8000

// uidSets splits ascending uids into UID sets whose text (a,b:c,...) is at
// most maxBytes long, in order.
func uidSets(uids []mailaccess.UID, maxBytes int) []imap.UIDSet {
	const widest = 2*10 + 2 // "4294967294:4294967295,"
	textLen := func(r imap.UIDRange) int {
		n := len(strconv.FormatUint(uint64(r.Start), 10)) + 1
		if r.Stop != r.Start {
			n += 1 + len(strconv.FormatUint(uint64(r.Stop), 10))
		}
		return n
	}
	var sets []imap.UIDSet
	var set imap.UIDSet
	size := 0
	for _, u := range uids {
		n := len(set)
		if n > 0 && set[n-1].Stop+1 == imap.UID(u) {
			set[n-1].Stop = imap.UID(u)
			continue
		}
		if n > 0 {
			size += textLen(set[n-1])
			if size+widest > maxBytes {
				sets = append(sets, set)
				set, size = nil, 0
			}
		}
		set = append(set, imap.UIDRange{Start: imap.UID(u), Stop: imap.UID(u)})
	}
	if len(set) > 0 {
		sets = append(sets, set)
	}
	return sets
}

// fallbackFetch gets what it can of one message whose summary cannot be
// fetched: its flags, dates, size and first bytes, parsed locally; failing
// that its flags alone; failing that a placeholder with its UID. ok is
// false when the message is gone from the server.
func (ss *session) fallbackFetch(ctx context.Context, uid mailaccess.UID) (mailaccess.Message, bool, error) {
	set := uidSet([]mailaccess.UID{uid})
	attempts := []*imap.FetchOptions{
		{UID: true, Flags: true, InternalDate: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{
			{Peek: true, Partial: &imap.SectionPartial{Offset: 0, Size: fallbackRawBytes}}}},
		{UID: true, Flags: true},
	}
	for _, opts := range attempts {
		b, err := ss.fetchOne(set, opts)
		if err == nil {
			if b == nil {
				return mailaccess.Message{}, false, nil
			}
			var raw []byte
			for _, sec := range b.BodySection {
				raw = sec.Bytes
			}
			msg := messageFromRaw(uid, raw, flagStrings(b.Flags), b.InternalDate, b.RFC822Size)
			msg.ModSeq = mailaccess.ModSeq(b.ModSeq)
			ss.s.log.Warn("message stored from a local parse", "account", ss.accountID, "mailbox", ss.selected, "uid", uid)
			return msg, true, nil
		}
		if ctx.Err() != nil {
			return mailaccess.Message{}, false, fmt.Errorf("fetch uid %d: %w", uid, ctx.Err())
		}
		if rerr := ss.recover(ctx, err); rerr != nil {
			return mailaccess.Message{}, false, rerr
		}
	}
	ss.s.log.Warn("message cannot be fetched; stored as a placeholder", "account", ss.accountID, "mailbox", ss.selected, "uid", uid)
	return messageFromRaw(uid, nil, nil, time.Time{}, 0), true, nil
}

// fetchOne fetches one message; nil when the server sent none.
func (ss *session) fetchOne(set imap.UIDSet, opts *imap.FetchOptions) (*imapclient.FetchMessageBuffer, error) {
	cmd := ss.c.c.Fetch(set, opts)
	var first *imapclient.FetchMessageBuffer
	for {
		data := cmd.Next()
		if data == nil {
			break
		}
		buf, err := ss.c.collect(data)
		if err != nil {
			return nil, err // the command is abandoned with its connection
		}
		if first == nil {
			first = buf
		}
	}
	return first, cmd.Close()
}
