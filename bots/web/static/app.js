// Tandem web chat: signs in, streams answers from /web/chat (server-sent events over fetch), renders tables
// and citations, offers Confirm / Cancel for previews and shows the card of the customer in focus. A session that
// has ended sends the person back to sign in with what they typed still in the box.
"use strict";

const state = { csrf: null, conversation: null, pending: null, busy: false };
const EXPIRED = "Your session has ended. Sign in again to send your message; what you typed is kept.";
const $ = (id) => document.getElementById(id);

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

// A small Markdown subset (bold, italics, lists, pipe tables), applied after escaping: model or database text
// can never inject markup or script.
function render(text) {
  const lines = escapeHtml(text).split("\n");
  const out = [];
  let i = 0;
  const inline = (s) => s.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>").replace(/(^|\s)_(.+?)_(?=\s|$)/g, "$1<em>$2</em>");
  while (i < lines.length) {
    const line = lines[i];
    if (line.includes(" | ") && lines[i + 1] && /^(---\s*\|\s*)+---$/.test(lines[i + 1].trim())) {
      const head = line.split(" | ");
      i += 2;
      const rows = [];
      while (i < lines.length && lines[i].includes(" | ")) rows.push(lines[i++].split(" | "));
      out.push("<table><thead><tr>" + head.map((h) => `<th scope="col">${inline(h)}</th>`).join("") + "</tr></thead><tbody>" +
        rows.map((r) => "<tr>" + r.map((c) => `<td>${inline(c)}</td>`).join("") + "</tr>").join("") + "</tbody></table>");
      continue;
    }
    if (/^[-•] /.test(line)) {
      const items = [];
      while (i < lines.length && /^[-•] /.test(lines[i])) items.push(`<li>${inline(lines[i++].slice(2))}</li>`);
      out.push(`<ul>${items.join("")}</ul>`);
      continue;
    }
    out.push(line ? `<p>${inline(line)}</p>` : "");
    i++;
  }
  return out.join("");
}

async function api(method, url, body) {
  const headers = { "Content-Type": "application/json" };
  if (state.csrf) headers["X-CSRF-Token"] = state.csrf;
  const response = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: "same-origin" });
  const data = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (!response.ok) {
    if (sessionEnded(response.status) && url !== "/web/session") showSignedOut(EXPIRED);
    throw Object.assign(new Error((data && data.message) || response.statusText), { status: response.status, data });
  }
  return data;
}

// 401: signed out or expired; 403 with no CSRF token yet: the page never finished signing in.
function sessionEnded(status) {
  return status === 401 || (status === 403 && !state.csrf);
}

function addMessage(kind, html) {
  const li = document.createElement("li");
  li.className = kind;
  li.innerHTML = html;
  $("messages").appendChild(li);
  li.scrollIntoView({ block: "end" });
  return li;
}

function showSignedIn(who) {
  state.csrf = who.csrf_token;
  $("who").textContent = `${who.employee.name} · ${who.employee.role}`;
  $("signin").hidden = true;
  $("workspace").hidden = false;
  $("logout").hidden = false;
  if ($("question").value) addMessage("progress", "Signed in again: your message is in the box; press Enter to send it.");
  $("question").focus();
  loadConversations();
}

function showSignedOut(message) {
  state.csrf = null;
  $("signin").hidden = false;
  $("workspace").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
  $("signin-error").textContent = message || "";
}

async function loadConversations() {
  try {
    const data = await api("GET", "/web/conversations");
    const list = $("conversation-list");
    list.innerHTML = "";
    for (const c of data.conversations) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = c.title || "Conversation";
      button.setAttribute("aria-current", String(c.id === state.conversation));
      button.addEventListener("click", () => { state.conversation = c.id; $("messages").innerHTML = ""; addMessage("progress", "Continuing an earlier conversation."); loadConversations(); });
      li.appendChild(button);
      list.appendChild(li);
    }
  } catch (err) { /* the list is a convenience; the chat still works */ }
}

function customerFrom(final) {
  for (const call of [...final.tool_calls].reverse()) {
    const r = call.result || {};
    const code = (r.profile && r.profile.code) || r.customer_code || (r.ticket && r.ticket.customer_code) ||
      (r.interaction && r.interaction.customer_code) || (r.preview && (r.preview.customer_code || (r.preview.ticket && r.preview.ticket.customer_code)));
    if (code) return code;
    if (r.candidates && r.candidates.length === 1) return r.candidates[0].code;
    if (call.args && call.args.customer && call.status === "ok") return call.args.customer;
  }
  return null;
}

async function showCard(code) {
  try {
    const card = await api("GET", `/web/customers/${encodeURIComponent(code)}/card`);
    const p = card.profile;
    const list = (items, fn) => items && items.length ? `<ul>${items.map(fn).join("")}</ul>` : "<p>—</p>";
    const inv = card.invoices || {};
    $("customer-card").innerHTML =
      `<h2>${escapeHtml(p.name)}</h2><p>${escapeHtml(p.code)} · ${escapeHtml([p.city, p.country].filter(Boolean).join(", "))}</p>` +
      `<h3>Balance</h3><p>Open ${escapeHtml(inv.open_display || "—")}; overdue ${escapeHtml(inv.overdue_display || "—")}</p>` +
      `<h3>Contacts</h3>` + list(card.contacts, (c) => `<li>${escapeHtml(c.name)}${c.email ? " · " + escapeHtml(c.email) : ""}</li>`) +
      `<h3>Open tickets</h3>` + list(card.open_tickets, (t) => `<li>${escapeHtml(t.number)} [${escapeHtml(t.priority)}] ${escapeHtml(t.subject)}</li>`) +
      `<h3>Last orders</h3>` + list(card.last_orders, (o) => `<li>${escapeHtml(o.number)} · ${escapeHtml(o.order_date)} · ${escapeHtml(o.net_display)} (${escapeHtml(o.status.replace(/_/g, " "))})</li>`) +
      (card.watch_outs && card.watch_outs.length ? `<h3>Watch out</h3>` + list(card.watch_outs, (w) => `<li class="watch">${escapeHtml(w)}</li>`) : "");
    $("customer-card").hidden = false;
  } catch (err) { /* a role that may not see the card simply gets none */ }
}

function offerConfirmation(li, confirmation) {
  state.pending = confirmation.id;
  const box = document.createElement("div");
  box.className = "confirm";
  box.innerHTML = `<button type="button" class="primary" data-act="confirm">Confirm</button><button type="button" data-act="cancel">Cancel</button>`;
  box.addEventListener("click", async (event) => {
    const act = event.target.dataset.act;
    if (!act) return;
    box.querySelectorAll("button").forEach((b) => (b.disabled = true));
    try {
      if (act === "confirm") {
        const done = await api("POST", `/web/confirmations/${confirmation.id}`);
        const r = done.result;
        const what = (r.ticket && `Ticket ${r.ticket.number} opened.`) || (r.interaction && "Interaction logged.") ||
          (r.number && `Quote ${r.number} created.`) || (r.order_number && `Order ${r.order_number} created.`) || "Done.";
        addMessage("assistant", `<p>${escapeHtml(what)}</p>`);
      } else {
        await api("DELETE", `/web/confirmations/${confirmation.id}`);
        addMessage("assistant", "<p>Cancelled; nothing was written.</p>");
      }
    } catch (err) {
      addMessage("assistant error", `<p>${escapeHtml(err.message)}</p>`);
    }
    state.pending = null;
    box.remove();
  });
  li.appendChild(box);
}

async function ask(message) {
  if (state.busy) return;
  state.busy = true;
  $("send").disabled = true;
  const mine = addMessage("me", render(message));
  const progress = addMessage("progress", "Thinking…");
  let answer = null;
  let text = "";
  // Until the answer starts, a refusal (session ended, too many questions, database away) gives the text back.
  const giveBack = () => { mine.remove(); if (!$("question").value) $("question").value = message; };
  try {
    const response = await fetch("/web/chat", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", ...(state.csrf ? { "X-CSRF-Token": state.csrf } : {}) },
      body: JSON.stringify({ message, conversation: state.conversation }),
    });
    if (sessionEnded(response.status)) { giveBack(); showSignedOut(EXPIRED); return; }
    if (!response.ok) {
      giveBack();
      const data = response.headers.get("content-type")?.includes("json") ? await response.json() : {};
      throw new Error(data.message || response.statusText);
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] || "null");
        if (event === "tool_start") progress.textContent = `Looking up ${data.name.replace(/_/g, " ")}${data.args && data.args.customer ? " for " + data.args.customer : ""}…`;
        else if (event === "token") { text += data.text; answer = answer || addMessage("assistant", ""); answer.innerHTML = render(text); }
        else if (event === "error") addMessage("assistant error", `<p>${escapeHtml(data.message)}</p>`);
        else if (event === "final") {
          state.conversation = data.conversation;
          answer = answer || addMessage("assistant", "");
          answer.innerHTML = render(data.answer);
          if (data.citations && data.citations.length) {
            answer.insertAdjacentHTML("beforeend", `<p class="citations">Sources: ${data.citations.map((c) => escapeHtml(`${c.source} — ${c.section}`)).join("; ")}</p>`);
          }
          if (data.confirmation) offerConfirmation(answer, data.confirmation);
          const code = customerFrom(data);
          if (code) showCard(code);
        }
      }
    }
  } catch (err) {
    addMessage("assistant error", `<p>${escapeHtml(err.message)}</p>`);
  } finally {
    progress.remove();
    state.busy = false;
    $("send").disabled = false;
    $("question").focus();
    loadConversations();
  }
}

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("signin-error").textContent = "";
  const body = { email: $("email").value || null, password: $("password").value || null, token: $("token").value || null };
  try { showSignedIn(await api("POST", "/web/session", body)); } catch (err) { $("signin-error").textContent = err.message; }
});
$("logout").addEventListener("click", async () => {
  try { await api("DELETE", "/web/session"); } finally { showSignedOut("Signed out."); }
});
$("ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const message = $("question").value.trim();
  if (message) { $("question").value = ""; ask(message); }
});
$("question").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); $("ask-form").requestSubmit(); }
  if (event.key === "Escape" && state.pending) { document.querySelector('.confirm [data-act="cancel"]')?.click(); }
});
$("new-conversation").addEventListener("click", () => { state.conversation = null; $("messages").innerHTML = ""; $("customer-card").hidden = true; $("question").focus(); });

api("GET", "/web/session").then(showSignedIn).catch(() => showSignedOut(""));
