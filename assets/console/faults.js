// The console's faults: a row per domain from /_/api/faults, each saved
// with PUT /_/api/faults.
"use strict";
const body = document.getElementById("faults");
const result = document.getElementById("result");

function render(faults) {
  body.replaceChildren(...faults.map((f) => {
    const tr = document.createElement("tr");
    tr.dataset.domain = f.domain;
    tr.innerHTML = `<td></td><td><input name="delay_ms" type="number" min="0" max="60000"></td>` +
      `<td><input name="error_rate" type="number" min="0" max="1" step="0.05"></td>` +
      `<td><button type="button">Save</button></td>`;
    tr.cells[0].textContent = f.domain;
    tr.querySelector("[name=delay_ms]").value = f.delay_ms;
    tr.querySelector("[name=error_rate]").value = f.error_rate;
    tr.querySelector("button").addEventListener("click", () => save(tr));
    return tr;
  }));
}

async function save(tr) {
  const answer = await fetch("/_/api/faults", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      domain: tr.dataset.domain,
      delay_ms: Number(tr.querySelector("[name=delay_ms]").value),
      error_rate: Number(tr.querySelector("[name=error_rate]").value),
    }),
  });
  const reply = await answer.json();
  if (answer.ok) {
    render(reply);
    result.textContent = `saved ${tr.dataset.domain}`;
  } else {
    result.textContent = `refused: ${reply.error}`;
  }
}

fetch("/_/api/faults").then((a) => a.json()).then(render);
