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
}
overview();
