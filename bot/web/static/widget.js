/* aps-bot web chat: turns the page's forms into a chat without reloads, that survives a reload.
 *
 * Without this script every form still works (it posts, the server answers with a new page).
 * A refused message is never lost: it stays in the text field with the reason under it.
 *
 * What the browser keeps (the "state"), and where:
 *   { v: 1, session: the signed session token, saved: when (ms), turns: the last exchanges }
 * in this tab's sessionStorage when the browser lets this page have storage. Inside another
 * site's frame a browser that blocks third-party cookies gives the frame no storage either; then
 * embed.js keeps the state in the embedding page's sessionStorage (it hands it over when the frame
 * loads, and the frame hands it back after each exchange). Turns older than data-hours are
 * dropped; /forget empties everything. The token goes with every request in X-Aps-Session, so no
 * cookie is needed.
 */
(function () {
  "use strict";

  var log = document.getElementById("log");
  var sendForm = document.getElementById("send");
  if (!log || !sendForm || !window.fetch) return;
  var textarea = sendForm.querySelector("textarea");
  var errorBox = document.getElementById("send-error");
  var langInput = sendForm.querySelector("input[name=lang]");
  var lang = langInput ? langInput.value : "";
  var strings = sendForm.dataset;
  var maxChars = Number(strings.max);
  var keep = Number(strings.keep) || 10;
  var ttl = (Number(strings.hours) || 24) * 3600 * 1000;
  var base = document.baseURI;
  var KEY = "aps-bot";
  var HEADER = "X-Aps-Session";
  var busy = false;
  var state = { v: 1, session: strings.session || "", saved: Date.now(), turns: [] };
  var store = null;

  // ------------------------------------------------------------------ where the state is kept

  function frameStore() {
    try {
      var s = window.sessionStorage;
      s.setItem(KEY + ":probe", "1");
      s.removeItem(KEY + ":probe");
      return {
        load: function (done) {
          var raw = null;
          try { raw = s.getItem(KEY); } catch (e) { raw = null; }
          done(parse(raw));
        },
        save: function (value) {
          try {
            if (value) s.setItem(KEY, JSON.stringify(value));
            else s.removeItem(KEY);
          } catch (e) { /* full or refused: the conversation simply is not kept */ }
        },
      };
    } catch (e) {
      return null;
    }
  }

  // the embedding page's script (embed.js) keeps it; only the page that framed us answers
  function parentStore() {
    var embedded = window.parent !== window && /[?&]embed=1(&|$)/.test(window.location.search);
    if (!embedded) return null;
    var parentOrigin = null;
    return {
      load: function (done) {
        var finished = false;
        function finish(value) {
          if (finished) return;
          finished = true;
          window.removeEventListener("message", onMessage);
          done(value);
        }
        function onMessage(event) {
          var data = event.data;
          if (event.source !== window.parent || !data || data.aps !== "state") return;
          parentOrigin = event.origin;
          finish(typeof data.state === "string" ? parse(data.state) : null);
        }
        window.addEventListener("message", onMessage);
        window.parent.postMessage({ aps: "hello" }, "*"); // carries nothing: just "I am ready"
        setTimeout(function () { finish(null); }, 1500);
      },
      save: function (value) {
        if (!parentOrigin) return; // never hand the state to a page that did not answer
        window.parent.postMessage(
          { aps: "save", state: value ? JSON.stringify(value) : null },
          parentOrigin
        );
      },
    };
  }

  function memoryStore() {
    return { load: function (done) { done(null); }, save: function () {} };
  }

  function parse(raw) {
    if (!raw || typeof raw !== "string" || raw.length > 400000) return null;
    try {
      var value = JSON.parse(raw);
      if (!value || value.v !== 1 || typeof value.session !== "string") return null;
      if (!Array.isArray(value.turns)) value.turns = [];
      if (typeof value.saved !== "number" || Date.now() - value.saved > ttl) value.turns = [];
      value.turns = value.turns.filter(validTurn).slice(-keep);
      return value;
    } catch (e) {
      return null;
    }
  }

  function validTurn(turn) {
    var r = turn && turn.reply;
    return r && typeof turn.you === "string" && Array.isArray(r.messages) &&
      r.messages.every(function (m) { return typeof m === "string"; });
  }

  function save() {
    state.saved = Date.now();
    state.turns = state.turns.slice(-keep);
    store.save(state);
  }

  function remember(you, reply) {
    state.turns.push({
      you: you || "",
      reply: {
        lang: reply.lang,
        kind: reply.kind,
        faq_kind: reply.faq_kind,
        messages: reply.messages,
        alert: reply.alert,
        choices: reply.choices,
      },
    });
    save();
  }

  // ------------------------------------------------------------------ showing messages

  function showError(text) {
    errorBox.textContent = text || "";
    if (text) textarea.setAttribute("aria-invalid", "true");
    else textarea.removeAttribute("aria-invalid");
  }

  // a long answer is read from its start: show the visitor's message and the top of the reply
  function scrollTo(element) {
    log.scrollTop = Math.max(0, element.offsetTop - 8); // .log is their offset parent
  }

  function addYou(text) {
    var div = document.createElement("div");
    div.className = "msg you";
    var p = document.createElement("p");
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = strings.you;
    p.appendChild(who);
    p.appendChild(document.createTextNode(" " + text));
    div.appendChild(p);
    log.appendChild(div);
    return div;
  }

  // Kept replies come back from storage (possibly the embedding page's): their HTML is rebuilt
  // from the few elements the server writes (p, ul, li, strong, links), text as text.
  var ALLOWED = { P: "p", UL: "ul", LI: "li", STRONG: "strong" };

  function clean(html) {
    var source = new DOMParser().parseFromString(html, "text/html").body;
    var out = document.createDocumentFragment();
    (function copy(from, to) {
      from.childNodes.forEach(function (node) {
        if (node.nodeType === 3) { to.appendChild(document.createTextNode(node.textContent)); return; }
        if (node.nodeType !== 1) return;
        var element;
        if (node.tagName === "A" && /^(https?:|mailto:)/i.test(node.getAttribute("href") || "")) {
          element = document.createElement("a");
          element.href = node.getAttribute("href");
          if (!/^mailto:/i.test(element.href)) {
            element.target = "_blank";
            element.rel = "noopener noreferrer external";
          }
        } else if (ALLOWED[node.tagName]) {
          element = document.createElement(ALLOWED[node.tagName]);
        } else {
          copy(node, to); // an unknown element: its text only
          return;
        }
        copy(node, element);
        to.appendChild(element);
      });
    })(source, out);
    return out;
  }

  // the reply's messages are HTML rendered (and escaped) by the server; labels go in as text
  function addReply(reply, kept) {
    var top = null;
    var first = null;
    reply.messages.forEach(function (html) {
      var div = document.createElement("div");
      div.className = "msg bot";
      div.lang = reply.lang;
      if (kept) div.appendChild(clean(html));
      else div.innerHTML = html;
      log.appendChild(div);
      top = top || div;
    });
    if (reply.alert) {
      var note = document.createElement("div");
      note.className = "msg note";
      var p = document.createElement("p");
      p.textContent = reply.alert;
      note.appendChild(p);
      log.appendChild(note);
      top = top || note;
    }
    if (reply.choices && reply.choices.length) {
      var form = document.createElement("form");
      form.className = "choices";
      form.method = "post";
      form.action = "./";
      reply.choices.forEach(function (choice) {
        var button = document.createElement("button");
        button.type = "submit";
        button.name = "token";
        button.value = String(choice.token);
        button.className = "choice " + (choice.kind === "nav" ? "nav" : "option");
        button.textContent = String(choice.label);
        form.appendChild(button);
        if (!first) first = button;
      });
      log.appendChild(form);
    }
    if (reply.lang) document.documentElement.lang = reply.lang;
    return { top: top, first: first };
  }

  function addNote(text) {
    var div = document.createElement("div");
    div.className = "msg bot";
    var p = document.createElement("p");
    p.textContent = text;
    div.appendChild(p);
    log.appendChild(div);
    return div;
  }

  // ------------------------------------------------------------------ talking to the server

  function post(path, body) {
    if (lang) body.lang = lang;
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (state.session) headers[HEADER] = state.session;
    return fetch(new URL(path, base).href, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify(body),
    }).then(function (response) {
      var issued = response.headers.get(HEADER);
      if (issued) state.session = issued;
      return response.json().catch(function () { return { ok: false }; });
    });
  }

  function send(body, you, onDone) {
    if (busy) return;
    busy = true;
    sendForm.setAttribute("aria-busy", "true");
    showError("");
    post("api/message", body)
      .then(function (answer) {
        if (!answer.ok) {
          showError(answer.message || strings.network);
          return;
        }
        if (answer.forgotten) { // a new session: nothing of the old one stays in the page
          log.textContent = "";
          state.turns = [];
        }
        var mine = you && !answer.forgotten ? addYou(you) : null;
        var shown = addReply(answer.reply, false);
        scrollTo(mine || shown.top || log.lastElementChild);
        if (answer.forgotten) save();
        else remember(you, answer.reply);
        if (onDone) onDone(shown.first, answer.reply);
      })
      .catch(function () { showError(strings.network); })
      .then(function () {
        busy = false;
        sendForm.removeAttribute("aria-busy");
      });
  }

  sendForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textarea.value;
    if (!text.trim()) { showError(strings.empty); textarea.focus(); return; }
    if (text.length > maxChars) {
      showError(strings.tooLong.replace("{length}", text.length).replace("{limit}", maxChars));
      textarea.focus();
      return;
    }
    send({ text: text }, text, function () {
      textarea.value = "";
      grow();
      textarea.focus();
    });
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendForm.requestSubmit ? sendForm.requestSubmit() : sendForm.dispatchEvent(new Event("submit"));
    }
  });

  function grow() {
    textarea.style.height = "";
    textarea.style.height = Math.min(textarea.scrollHeight + 4, 128) + "px";
  }
  textarea.addEventListener("input", grow);

  // buttons under replies, and the menu's commands
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form === sendForm) return;
    var button = event.submitter;
    if (!button || !button.name) return;
    event.preventDefault();
    var menu = form.closest("details");
    if (menu) menu.open = false;
    if (button.name === "token") {
      send({ token: button.value }, button.textContent, function (first, reply) {
        // a reply that replaces the clicked message (a walkthrough step) takes its buttons away
        if (reply.mode === "replace" && form.parentNode) form.parentNode.removeChild(form);
        (first || textarea).focus();
      });
    } else if (button.name === "command") {
      send({ text: "/" + button.value }, "/" + button.value, function (first) {
        (first || textarea).focus();
      });
    }
  });

  // ------------------------------------------------------------------ a reload, or the next page

  function same(a, b) {
    return a.length > 0 && b.length > 0 && a[a.length - 1] === b[b.length - 1];
  }

  // the welcome, the kept exchanges, then the step waiting for an answer (from the server, with
  // live buttons); the view opens on the last exchange
  function restore(answer) {
    log.textContent = "";
    addReply(answer.welcome, false);
    var last = null;
    var lastReply = null;
    state.turns.forEach(function (turn) {
      var mine = turn.you ? addYou(turn.you) : null;
      var shown = addReply(turn.reply, true);
      last = mine || shown.top;
      lastReply = turn.reply;
    });
    var pending = answer.pending;
    if (pending) {
      if (lastReply && same(lastReply.messages, pending.messages)) {
        // the last kept reply is that step: give it the server's buttons instead of repeating it
        var forms = log.querySelectorAll("form.choices");
        var lastForm = forms[forms.length - 1];
        if (lastForm && lastForm === log.lastElementChild) log.removeChild(lastForm);
        pending = { lang: pending.lang, messages: [], choices: pending.choices };
      } else {
        last = addNote(strings["continue"]);
      }
      addReply(pending, false);
    }
    if (last) scrollTo(last); else log.scrollTop = 0;
  }

  function start() {
    store = frameStore() || parentStore() || memoryStore();
    store.load(function (kept) {
      if (!kept || !kept.session) {
        save(); // this page's session, from now on
        log.scrollTop = 0; // the welcome, from its start
        return;
      }
      var pageSession = state.session;
      state = kept;
      var fresh = { v: 1, session: pageSession, saved: Date.now(), turns: [] };
      post("api/resume", {})
        .then(function (answer) {
          if (answer.ok && answer.known) {
            restore(answer);
            save();
            return;
          }
          // a token the server does not know (or no longer): this page's session and welcome
          state = fresh;
          if (answer.ok) save();
        })
        .catch(function () { state = fresh; }); // unreachable now: the kept state waits
    });
  }

  log.scrollTop = 0;
  start();
})();
