package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mailaccess/mailaccess/mailaccess"
)

// Writes go to the IMAP server first and then to the cache (package
// imapsync); these handlers check ownership, call them and answer in words.

var flagNames = map[string]string{"seen": `\Seen`, "flagged": `\Flagged`}

// messageFlag sets or clears \Seen or \Flagged on one message.
func (s *Server) messageFlag(w http.ResponseWriter, r *http.Request) {
	msg, ok := s.loadMessage(w, r)
	if !ok {
		return
	}
	flag, ok := flagNames[r.PostFormValue("flag")]
	if !ok {
		s.errorPage(w, r, http.StatusBadRequest, "Unknown flag.")
		return
	}
	set := r.PostFormValue("set") == "1"
	if err := s.mail.StoreFlags(r.Context(), msg.AccountID, msg.MailboxID, []mailaccess.UID{msg.UID}, []string{flag}, set); err != nil {
		s.actionError(w, r, err)
		return
	}
	target := fmt.Sprintf("/message/%d", msg.ID)
	if flag == `\Seen` && !set {
		target = fmt.Sprintf("/mailbox/%d", msg.MailboxID) // "mark unread" leaves the message
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// messageMove moves one message to another folder of the account.
func (s *Server) messageMove(w http.ResponseWriter, r *http.Request) {
	msg, ok := s.loadMessage(w, r)
	if !ok {
		return
	}
	dest, ok := s.destination(w, r)
	if !ok {
		return
	}
	if err := s.mail.Move(r.Context(), msg.AccountID, msg.MailboxID, []mailaccess.UID{msg.UID}, dest.Name); err != nil {
		s.actionError(w, r, err)
		return
	}
	s.refresh(msg.AccountID, dest.Name)
	http.Redirect(w, r, fmt.Sprintf("/mailbox/%d", msg.MailboxID), http.StatusSeeOther)
}

// messageDelete moves one message to Trash, or deletes it for good in Trash.
func (s *Server) messageDelete(w http.ResponseWriter, r *http.Request) {
	msg, ok := s.loadMessage(w, r)
	if !ok {
		return
	}
	if err := s.delete(r.Context(), msg.AccountID, msg.MailboxID, []mailaccess.UID{msg.UID}); err != nil {
		s.actionError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/mailbox/%d", msg.MailboxID), http.StatusSeeOther)
}

// delete moves messages to the Trash folder, or expunges them when they are
// in Trash already or the account has none.
func (s *Server) delete(ctx context.Context, accountID, mailboxID int64, uids []mailaccess.UID) error {
	folders, err := s.store.Mailboxes(ctx, accountID)
	if err != nil {
		return err
	}
	var trash *mailaccess.Mailbox
	for i := range folders {
		if folders[i].Role == mailaccess.RoleTrash {
			trash = &folders[i]
		}
	}
	if trash == nil || trash.ID == mailboxID {
		return s.mail.Expunge(ctx, accountID, mailboxID, uids)
	}
	if err := s.mail.Move(ctx, accountID, mailboxID, uids, trash.Name); err != nil {
		return err
	}
	s.refresh(accountID, trash.Name)
	return nil
}

// bulk applies one action to the messages selected in a folder's list.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	acc := accountFrom(ctx)
	mb, ok := s.loadMailbox(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "The form could not be read.")
		return
	}
	var uids []mailaccess.UID
	for _, v := range r.PostForm["ids"] {
		mid, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.errorPage(w, r, http.StatusBadRequest, "The selection is not valid.")
			return
		}
		msg, err := s.store.Message(ctx, acc.ID, mid)
		if err != nil || msg.MailboxID != mb.ID {
			s.errorPage(w, r, http.StatusNotFound, "A selected message does not exist in this folder any more.")
			return
		}
		uids = append(uids, msg.UID)
	}
	if len(uids) == 0 {
		http.Redirect(w, r, fmt.Sprintf("/mailbox/%d", mb.ID), http.StatusSeeOther)
		return
	}
	var err error
	switch action := r.PostFormValue("action"); action {
	case "read", "unread":
		err = s.mail.StoreFlags(ctx, acc.ID, mb.ID, uids, []string{`\Seen`}, action == "read")
	case "flag", "unflag":
		err = s.mail.StoreFlags(ctx, acc.ID, mb.ID, uids, []string{`\Flagged`}, action == "flag")
	case "delete":
		err = s.delete(ctx, acc.ID, mb.ID, uids)
	case "move":
		dest, ok := s.destination(w, r)
		if !ok {
			return
		}
		if err = s.mail.Move(ctx, acc.ID, mb.ID, uids, dest.Name); err == nil {
			s.refresh(acc.ID, dest.Name)
		}
	default:
		s.errorPage(w, r, http.StatusBadRequest, "Unknown action.")
		return
	}
	if err != nil {
		s.actionError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/mailbox/%d", mb.ID), http.StatusSeeOther)
}

// destination reads the "to" folder of a move; it must be the account's.
func (s *Server) destination(w http.ResponseWriter, r *http.Request) (mailaccess.Mailbox, bool) {
	id, err := strconv.ParseInt(r.PostFormValue("to"), 10, 64)
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "Choose a folder to move to.")
		return mailaccess.Mailbox{}, false
	}
	mb, err := s.store.Mailbox(r.Context(), accountFrom(r.Context()).ID, id)
	if err != nil {
		s.storeError(w, r, err, "folder")
		return mailaccess.Mailbox{}, false
	}
	return mb, true
}

// refresh asks for a folder's sync in the background (after a move into it).
func (s *Server) refresh(accountID int64, mailbox string) {
	s.bg.Go(func() {
		ctx, cancel := context.WithTimeout(s.bgCtx, time.Minute)
		defer cancel()
		if _, err := s.syncs.SyncMailbox(ctx, accountID, mailbox); err != nil {
			s.log.Warn("refresh after a move", "account", accountID, "mailbox", mailbox, "error", err)
		}
	})
}

// markSeen marks an opened message (of folder mb) read, in the background:
// the page does not wait for the IMAP server.
func (s *Server) markSeen(msg mailaccess.Message, mb mailaccess.Mailbox) {
	s.bg.Go(func() {
		ctx, cancel := context.WithTimeout(s.bgCtx, time.Minute)
		defer cancel()
		if err := s.mail.MarkSeen(ctx, msg.AccountID, msg, mb); err != nil {
			s.log.Warn("mark message read", "account", msg.AccountID, "message", msg.ID, "error", err)
		}
	})
}

// actionError answers a failed change in words.
func (s *Server) actionError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, mailaccess.ErrRefused):
		msg := err.Error()
		if i := strings.Index(msg, mailaccess.ErrRefused.Error()); i >= 0 {
			msg = msg[i:]
		}
		s.errorPage(w, r, http.StatusBadGateway, "The mail server refused this: "+strings.TrimPrefix(msg, mailaccess.ErrRefused.Error()+": ")+". Nothing was changed.")
	case imapError(err):
		s.errorPage(w, r, http.StatusBadGateway, "Nothing was changed: "+describe(err))
	case errors.Is(err, mailaccess.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "This message or folder does not exist, or is not yours.")
	default:
		s.serverError(w, r, err)
	}
}
