// The console's account rescue: each form posts to its /_/api/ call and
// shows the answer.
"use strict";
const result = document.getElementById("result");

async function post(path, body) {
  const answer = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body || {}),
  });
  const reply = await answer.json();
  result.textContent = answer.ok
    ? Object.entries(reply).map(([k, v]) => `${k}: ${v}`).join(", ")
    : `refused: ${reply.error}`;
}

function on(id, send) {
  document.getElementById(id).addEventListener("submit", (event) => {
    event.preventDefault();
    send(event.target);
  });
}

on("password", (form) =>
  post(`/_/api/accounts/${form.domain.value}/${form.id.value}/password`, { password: form.password.value }));
on("logout", (form) => post(`/_/api/accounts/${form.domain.value}/${form.id.value}/logout`));
on("throttle", () => post("/_/api/throttle/clear"));
