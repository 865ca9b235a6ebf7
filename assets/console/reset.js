// The console's reset: the domains from /_/api/overview, one POST to
// /_/api/reset, the rows each domain lost.
"use strict";
const form = document.getElementById("reset");
const result = document.getElementById("result");
const button = form.querySelector("button");

form.sure.addEventListener("change", () => { button.disabled = !form.sure.checked; });

fetch("/_/api/overview").then((a) => a.json()).then((overview) => {
  for (const d of overview.domains) {
    const option = document.createElement("option");
    option.value = d.domain;
    option.textContent = `${d.domain} (${d.title})`;
    form.domain.append(option);
  }
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  button.disabled = true;
  result.textContent = "resetting…";
  const order = { demo: form.demo.value === "true" };
  if (form.domain.value) order.domain = form.domain.value;
  const answer = await fetch("/_/api/reset", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(order),
  });
  const reply = await answer.json();
  if (answer.ok) {
    result.textContent = reply.reset
      .map((r) => `${r.domain}: ${r.removed} rows removed, ${r.demo ? "demo data back" : "left empty"}`)
      .join("; ");
  } else {
    result.textContent = `refused: ${reply.error}`;
  }
  form.sure.checked = false;
});
