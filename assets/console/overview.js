// The console's front page: /_/api/overview as a summary and a table.
"use strict";
function megabytes(bytes) {
  return (bytes / 1048576).toFixed(1) + " MB";
}
async function overview() {
  const answer = await fetch("/_/api/overview");
  const o = await answer.json();
  const hours = (o.uptime_secs / 3600).toFixed(1);
  document.getElementById("summary").textContent =
    `Database ${o.database.path}: ${megabytes(o.database.bytes)} (+ ${megabytes(o.database.wal_bytes)} log). ` +
    `Up ${hours} h, ${o.requests} requests, ${o.server_errors} server errors. ` +
    `Last backup: ${o.last_backup || "none from here yet"}.`;
  const rows = o.domains.map((d) => {
    const tr = document.createElement("tr");
    const detail = Object.entries(d.tables).map(([t, n]) => `${t} ${n}`).join(", ");
    for (const value of [`${d.domain}: ${d.title}`, d.accounts, d.sessions, detail]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.appendChild(td);
    }
    return tr;
  });
  document.getElementById("domains").replaceChildren(...rows);
  backups(o.backups);
}
// The scheduled backups: the last attempts and a download link for each kept file.
function backups(b) {
  const status = document.getElementById("backup-status");
  if (!b) {
    status.textContent = "None scheduled: start the server with --backup-dir DIR (and --backup-every, --backup-keep).";
    document.getElementById("backups").replaceChildren();
    return;
  }
  let text = `Every ${(b.every_secs / 3600).toFixed(2)} h into ${b.dir}, the newest ${b.keep} kept. ` +
    `Last: ${b.last_ok ? `${b.last_ok} at ${b.last_ok_at}` : "none yet"}.`;
  if (b.last_error) text += ` The last attempt FAILED at ${b.last_error_at}: ${b.last_error}`;
  status.textContent = text;
  status.className = b.last_error ? "error" : "";
  const items = b.kept.map((k) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "/_/api/backups/" + encodeURIComponent(k.name);
    a.textContent = k.name;
    li.append(a, ` (${megabytes(k.bytes)})`);
    return li;
  });
  document.getElementById("backups").replaceChildren(...items);
}
overview();
