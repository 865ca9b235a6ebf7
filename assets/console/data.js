// The console's data browser: the tables of /_/api/tables, one page at a
// time from /_/api/tables/{table}; a column's heading sorts by it.
"use strict";
const picker = document.getElementById("table");
const search = document.getElementById("q");
const table = document.getElementById("rows");
const where = document.getElementById("where");
const state = { table: "", page: 1, sort: "", desc: false, pages: 1 };

async function tables() {
  const answer = await fetch("/_/api/tables");
  for (const t of await answer.json()) {
    const option = document.createElement("option");
    option.value = t.table;
    option.textContent = `${t.domain}: ${t.table} (${t.rows})`;
    picker.appendChild(option);
  }
  state.table = picker.value;
  await show();
}

async function show() {
  const query = new URLSearchParams({ page: state.page, q: search.value });
  if (state.sort) query.set("sort", state.sort);
  if (state.desc) query.set("desc", "true");
  const answer = await fetch(`/_/api/tables/${encodeURIComponent(state.table)}?${query}`);
  const page = await answer.json();
  if (!answer.ok) {
    where.textContent = page.error;
    return;
  }
  state.pages = page.pages;
  where.textContent = `${page.table}: ${page.total} rows, page ${page.page} of ${page.pages}`;
  const head = document.createElement("tr");
  for (const column of page.columns) {
    const th = document.createElement("th");
    th.textContent = column.name + (state.sort === column.name ? (state.desc ? " ↓" : " ↑") : "");
    if (!column.hidden) {
      th.style.cursor = "pointer";
      th.addEventListener("click", () => {
        state.desc = state.sort === column.name ? !state.desc : false;
        state.sort = column.name;
        state.page = 1;
        show();
      });
    }
    head.appendChild(th);
  }
  const body = page.rows.map((row) => {
    const tr = document.createElement("tr");
    for (const column of page.columns) {
      const td = document.createElement("td");
      const value = row[column.name];
      if (column.name === "id" && row.link) {
        const a = document.createElement("a");
        a.href = row.link;
        a.textContent = value;
        td.appendChild(a);
      } else {
        td.textContent = value === null ? "" : String(value);
      }
      tr.appendChild(td);
    }
    return tr;
  });
  table.replaceChildren(head, ...body);
}

document.getElementById("pick").addEventListener("submit", (event) => {
  event.preventDefault();
  if (state.table !== picker.value) state.sort = "";
  state.table = picker.value;
  state.page = 1;
  show();
});
picker.addEventListener("change", () => {
  state.table = picker.value;
  state.page = 1;
  state.sort = "";
  show();
});
document.getElementById("previous").addEventListener("click", () => {
  if (state.page > 1) { state.page -= 1; show(); }
});
document.getElementById("next").addEventListener("click", () => {
  if (state.page < state.pages) { state.page += 1; show(); }
});
tables();
