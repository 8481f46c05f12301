// mailaccess: small enhancements; every page works without them.
"use strict";

// A folder's sync running in the background: follow its progress through
// the JSON API and show the new list when it is done.
(function followSync() {
  const box = document.querySelector("[data-sync-job]");
  if (!box) return;
  const url = "/api/v1/jobs/" + box.dataset.syncJob;
  const text = box.querySelector(".sync-text");
  const bar = box.querySelector("progress");
  async function poll() {
    let job;
    try {
      const resp = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!resp.ok) throw new Error(resp.status);
      job = (await resp.json()).job;
    } catch (e) {
      setTimeout(poll, 3000);
      return;
    }
    if (job.state === "running" || job.state === "queued") {
      if (job.total > 0) {
        bar.hidden = false;
        bar.max = job.total;
        bar.value = job.done;
        text.textContent = "Syncing in the background: " + job.done + " of " + job.total + " new messages";
      } else {
        text.textContent = job.state === "running" ? "Syncing in the background" : "Sync queued";
      }
      setTimeout(poll, 1000);
      return;
    }
    if (job.state === "failed") {
      text.textContent = "Sync failed: " + job.error;
      bar.hidden = true;
      return;
    }
    // Done: show the new list, unless the user is in the middle of a selection.
    if (!document.querySelector("input[name=ids]:checked")) {
      location.reload();
      return;
    }
    text.textContent = "Sync finished. ";
    const a = document.createElement("a");
    a.href = location.href;
    a.textContent = "Show the new list";
    text.appendChild(a);
    bar.hidden = true;
  }
  setTimeout(poll, 500);
})();

// The newest page of a folder: look for new mail now and then, and show it
// (or, while the user has a selection, offer to).
(function followFolder() {
  const bar = document.querySelector("[data-live-folder]");
  if (!bar || document.querySelector("[data-sync-job]")) return;
  const url = "/api/v1/folders/" + bar.dataset.liveFolder;
  const interval = Math.max(1000, Number(bar.dataset.interval) || 5000);
  const lastUID = Number(bar.dataset.lastUid), total = Number(bar.dataset.total);
  let timer = 0, busy = false, again = false;
  async function poll() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    clearTimeout(timer);
    let next = interval;
    try {
      const resp = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (resp.ok) {
        const f = await resp.json();
        if (f.sync) next = 1000; // a sync is under way: look again soon
        if ((f.last_uid || 0) !== lastUID || f.total !== total) {
          if (!document.querySelector("input[name=ids]:checked")) {
            location.reload();
            return;
          }
          document.querySelector(".newmail").hidden = false;
        }
      }
    } catch (e) {
      // offline for a moment: try again later
    }
    busy = false;
    if (again) {
      again = false;
      next = 0;
    }
    timer = setTimeout(poll, next);
  }
  timer = setTimeout(poll, interval);
  // New mail is pushed as well: the server watches the folder (IMAP IDLE)
  // while the page is open and says when a change is in the cache.
  if (window.EventSource) {
    new EventSource(url + "/events").addEventListener("changed", poll);
  }
})();
