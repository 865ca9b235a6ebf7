// The console's request log: the kept entries, then each new one from the
// server-sent events, filtered here as in /_/api/requests.
"use strict";
const rows = document.getElementById("rows");
const live = document.getElementById("live");
const filter = document.getElementById("filter");
const shown = [];

function wanted(entry) {
  const domain = filter.domain.value;
  const status = filter.status.value;
  if (domain && entry.domain !== domain) return false;
  if (status && String(entry.status)[0] !== status[0]) return false;
  return true;
}

function row(entry) {
  const tr = document.createElement("tr");
  tr.dataset.id = entry.id;
  const cells = [
    entry.time.slice(11, 23),
    entry.domain || "",
    entry.method + " " + entry.path,
    entry.status,
    entry.outcome === null ? "" : entry.outcome,
    entry.latency_ms,
    entry.client || "",
  ];
  for (const value of cells) {
    const td = document.createElement("td");
    td.textContent = value;
    tr.appendChild(td);
  }
  if (entry.status >= 500) tr.className = "bad";
  return tr;
}

function render() {
  rows.replaceChildren(...shown.filter(wanted).slice(0, 1000).map(row));
}

async function start() {
  const answer = await fetch("/_/api/requests");
  shown.push(...(await answer.json()));
  render();
  const events = new EventSource("/_/api/requests/stream");
  events.addEventListener("open", () => { live.textContent = "live"; });
  events.addEventListener("error", () => { live.textContent = "reconnecting…"; });
  events.addEventListener("request", (event) => {
    const entry = JSON.parse(event.data);
    if (shown.length && shown[0].id >= entry.id) return;
    shown.unshift(entry);
    if (shown.length > 1000) shown.pop();
    if (wanted(entry)) {
      rows.prepend(row(entry));
      if (rows.children.length > 1000) rows.lastChild.remove();
    }
  });
}

filter.addEventListener("change", render);
start();
