package imapsync

import (
	"errors"
	"fmt"
	"io"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// errLiteralCut reports a message literal that could not be read to its
// end: the connection broke, or was closed to cancel the call.
var errLiteralCut = errors.New("message data cut short")

// collect reads one message of a FETCH response, as go-imap's Collect does,
// except when a literal (a body section) cannot be read to its end. Then it
// returns an error wrapping errLiteralCut at once, and neither data nor its
// command may be touched again: the connection must be abandoned.
//
// The reason is a data race in go-imap v2.0.0-beta.8. Its reader goroutine
// waits while the caller reads a literal and resumes, on the same buffered
// reader, as soon as a read of the literal fails. Collect, and
// FetchMessageData.Next, FetchCommand.Next and FetchCommand.Close, then
// discard what is left of the literal by reading it once more, concurrently
// with the reader goroutine.
func collect(data *imapclient.FetchMessageData) (*imapclient.FetchMessageBuffer, error) {
	buf := &imapclient.FetchMessageBuffer{SeqNum: data.SeqNum}
	for {
		item := data.Next()
		if item == nil {
			return buf, nil
		}
		switch item := item.(type) {
		case imapclient.FetchItemDataBodySection:
			b, err := readLiteral(item.Literal, -1)
			if err != nil {
				return buf, err
			}
			buf.BodySection = append(buf.BodySection, imapclient.FetchBodySectionBuffer{Section: item.Section, Bytes: b})
		case imapclient.FetchItemDataBinarySection:
			b, err := readLiteral(item.Literal, -1)
			if err != nil {
				return buf, err
			}
			buf.BinarySection = append(buf.BinarySection, imapclient.FetchBinarySectionBuffer{Section: item.Section, Bytes: b})
		case imapclient.FetchItemDataFlags:
			buf.Flags = item.Flags
		case imapclient.FetchItemDataEnvelope:
			buf.Envelope = item.Envelope
		case imapclient.FetchItemDataInternalDate:
			buf.InternalDate = item.Time
		case imapclient.FetchItemDataRFC822Size:
			buf.RFC822Size = item.Size
		case imapclient.FetchItemDataUID:
			buf.UID = item.UID
		case imapclient.FetchItemDataBodyStructure:
			buf.BodyStructure = item.BodyStructure
		case imapclient.FetchItemDataBinarySectionSize:
			buf.BinarySectionSize = append(buf.BinarySectionSize, item)
		case imapclient.FetchItemDataModSeq:
			buf.ModSeq = item.ModSeq
		}
	}
}

// readLiteral reads a literal, at most limit bytes of it when limit >= 0
// (go-imap discards the rest when the caller moves on, which is safe while
// the connection holds). A failed read wraps errLiteralCut, and so does a
// literal that ends early: go-imap passes the connection's EOF on as the
// literal's.
func readLiteral(lit imap.LiteralReader, limit int64) ([]byte, error) {
	if lit == nil {
		return nil, nil
	}
	want := lit.Size()
	if limit >= 0 && limit < want {
		want = limit
	}
	b, err := io.ReadAll(io.LimitReader(lit, want))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errLiteralCut, err)
	}
	if int64(len(b)) < want {
		return nil, fmt.Errorf("%w: %d of %d bytes", errLiteralCut, len(b), want)
	}
	return b, nil
}
