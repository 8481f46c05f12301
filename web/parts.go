package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/emersion/go-message"
)

var errNoPart = errors.New("no such part")

// openPart returns the entity at an IMAP section path ("1", "2.1", …) of a
// raw message. Parts inside attached messages (message/rfc822) are numbered
// as IMAP numbers them. The entity's body is decoded (transfer encoding and
// charset, for text).
func openPart(raw []byte, path string) (*message.Entity, error) {
	var idx []int
	for _, s := range strings.Split(path, ".") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 10000 {
			return nil, fmt.Errorf("part %q: %w", path, errNoPart)
		}
		idx = append(idx, n)
	}
	root, err := readEntity(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	return descend(root, idx, 0)
}

func readEntity(r io.Reader) (*message.Entity, error) {
	e, err := message.Read(r)
	if e == nil {
		return nil, err
	}
	return e, nil // unknown charsets and encodings still give a usable entity
}

func descend(e *message.Entity, idx []int, depth int) (*message.Entity, error) {
	if len(idx) == 0 {
		return e, nil
	}
	if depth > 50 {
		return nil, errNoPart
	}
	if mr := e.MultipartReader(); mr != nil {
		for i := 1; ; i++ {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil, errNoPart
			}
			if err != nil && !message.IsUnknownCharset(err) && !message.IsUnknownEncoding(err) {
				return nil, err
			}
			if i == idx[0] {
				return descend(p, idx[1:], depth+1)
			}
		}
	}
	mt, _, _ := e.Header.ContentType()
	if mt == "message/rfc822" || mt == "message/global" {
		inner, err := readEntity(e.Body)
		if err != nil {
			return nil, err
		}
		if inner.MultipartReader() != nil {
			return descend(inner, idx, depth+1)
		}
		if idx[0] == 1 {
			return descend(inner, idx[1:], depth+1)
		}
		return nil, errNoPart
	}
	if idx[0] == 1 && len(idx) == 1 { // the body of a single-part entity is its part 1
		return e, nil
	}
	return nil, errNoPart
}
