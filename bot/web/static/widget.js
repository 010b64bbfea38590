/* aps-bot web chat: turns the page's forms into a chat without reloads.
 * Without this script every form still works (it posts, the server answers with a new page).
 * A refused message is never lost: it stays in the text field with the reason under it. */
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
  var api = new URL("api/message", document.baseURI).href;
  var busy = false;

  function showError(text) {
    errorBox.textContent = text || "";
    if (text) textarea.setAttribute("aria-invalid", "true");
    else textarea.removeAttribute("aria-invalid");
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  // a long answer is read from its start: show the visitor's message and the top of the reply
  function scrollTo(element) {
    log.scrollTop = Math.max(0, element.offsetTop - 8);
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

  // the reply's messages are HTML rendered (and escaped) by the server; labels go in as text
  function addReply(reply, top) {
    var first = null;
    reply.messages.forEach(function (html) {
      var div = document.createElement("div");
      div.className = "msg bot";
      div.lang = reply.lang;
      div.innerHTML = html;
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
    }
    if (reply.choices.length) {
      var form = document.createElement("form");
      form.className = "choices";
      form.method = "post";
      form.action = "./";
      reply.choices.forEach(function (choice) {
        var button = document.createElement("button");
        button.type = "submit";
        button.name = "token";
        button.value = choice.token;
        button.className = "choice " + choice.kind;
        button.textContent = choice.label;
        form.appendChild(button);
        if (!first) first = button;
      });
      log.appendChild(form);
    }
    document.documentElement.lang = reply.lang;
    if (top) scrollTo(top); else scrollDown();
    return first;
  }

  function post(body) {
    if (lang) body.lang = lang;
    return fetch(api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return { ok: false }; });
    });
  }

  function send(body, you, onDone) {
    if (busy) return;
    busy = true;
    sendForm.setAttribute("aria-busy", "true");
    showError("");
    post(body)
      .then(function (answer) {
        if (!answer.ok) {
          showError(answer.message || strings.network);
          return;
        }
        var mine = you ? addYou(you) : null;
        var first = addReply(answer.reply, mine);
        if (onDone) onDone(first, answer.reply);
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
      textarea.focus();
    });
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendForm.requestSubmit ? sendForm.requestSubmit() : sendForm.dispatchEvent(new Event("submit"));
    }
  });

  // buttons under replies, and the privacy / my data / forget buttons
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form === sendForm) return;
    var button = event.submitter;
    if (!button || !button.name) return;
    event.preventDefault();
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

  scrollDown();
})();
