package web

import (
	"net/http"
	"slices"

	"github.com/mailaccess/mailaccess/mailaccess"
)

type adminView struct {
	view
	Status mailaccess.DispatchStatus
}

func (s *Server) isAdmin(acc *mailaccess.Account) bool {
	return acc != nil && slices.Contains(s.cfg.Admins, acc.Username)
}

// adminPage shows the dispatcher as `mailaccess status` does: mode, workers
// with their load and heartbeat, queue, running jobs, recent failures.
// Only the logins listed in security.admins may see it; others get 404.
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request) {
	acc := accountFrom(r.Context())
	if !s.isAdmin(acc) {
		s.notFound(w, r)
		return
	}
	st, err := s.admin.Status(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin", adminView{view: view{Title: "Admin", Account: acc, IsAdmin: true, Refresh: 5}, Status: st})
}
