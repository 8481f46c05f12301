// Package web serves the webmail pages from the cache: login and logout, the
// folder list, a folder's message list (newest first, keyset-paged) and a
// message. Pages read the cache; syncs are asked of the dispatcher (an
// interface declared here), which decides where they run.
//
// Invariants:
//   - every store call is scoped to the session's account: another account's
//     folder or message id answers 404, as does an id that does not exist;
//   - sessions live server-side; the cookie holds a random token whose hash
//     is stored, and is HttpOnly, SameSite=Lax, Secure behind TLS; a login
//     always issues a new token;
//   - state changes are POSTs, guarded against cross-origin requests
//     (http.CrossOriginProtection); every response carries a strict
//     Content-Security-Policy;
//   - templates are parsed at start; a template error is a 500, never a panic
//     or a half-written page;
//   - passwords are sealed before they reach the store and never logged.
package web
