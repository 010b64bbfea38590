/* aps-bot web chat, embedded with one tag:
 *   <script src="https://bot.example.org/embed.js" data-lang="fr" async></script>
 * puts the chat in an iframe right after the tag. Optional: data-lang (fr, en…), data-height
 * (CSS length, default 40rem; never taller than the screen), data-title (the frame's accessible
 * name). The chat's server must allow the embedding site in APS_BOT_WEB_FRAME_ANCESTORS.
 *
 * A browser that blocks third-party cookies also refuses storage to the frame. The chat then
 * asks this script to keep its state (its session token and its last exchanges) in this page's
 * sessionStorage, under "aps-bot:<the chat's origin>", so that the conversation survives a
 * reload and the next page of this site. Only the chat's own frame is answered; the state goes
 * when the tab is closed, after a day, or with /forget. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var data = script.dataset;
  var url = new URL("./", script.src);
  var origin = url.origin;
  var lang = data.lang || document.documentElement.lang || "";
  if (lang) url.searchParams.set("lang", lang.slice(0, 16));
  url.searchParams.set("embed", "1");
  var key = "aps-bot:" + origin;

  var frame = document.createElement("iframe");
  frame.src = url.href;
  frame.title = data.title || "aps-bot";
  frame.loading = "lazy";
  frame.referrerPolicy = "no-referrer";
  var height = data.height || "40rem";
  frame.style.display = "block";
  frame.style.width = "100%";
  frame.style.maxWidth = "40rem";
  frame.style.height = height;
  frame.style.height = "min(" + height + ", calc(100vh - 1rem))";
  frame.style.height = "min(" + height + ", calc(100svh - 1rem))"; // phones: the toolbars shown
  frame.style.border = "1px solid #c9d1db";
  frame.style.borderRadius = "0.4rem";
  script.parentNode.insertBefore(frame, script.nextSibling);

  function read() {
    try { return window.sessionStorage.getItem(key); } catch (e) { return null; }
  }

  function write(value) {
    try {
      if (value) window.sessionStorage.setItem(key, value);
      else window.sessionStorage.removeItem(key);
    } catch (e) { /* no storage here either: the chat lasts as long as the page */ }
  }

  window.addEventListener("message", function (event) {
    var message = event.data;
    if (event.source !== frame.contentWindow || event.origin !== origin) return;
    if (!message || typeof message.aps !== "string") return;
    if (message.aps === "hello") {
      frame.contentWindow.postMessage({ aps: "state", state: read() }, origin);
    } else if (message.aps === "save") {
      write(typeof message.state === "string" ? message.state.slice(0, 400000) : null);
    }
  });
})();
