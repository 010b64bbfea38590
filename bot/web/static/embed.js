/* aps-bot web chat, embedded with one tag:
 *   <script src="https://bot.example.org/embed.js" data-lang="fr" async></script>
 * puts the chat in an iframe right after the tag. Optional: data-lang (fr, en), data-height
 * (CSS length, default 34rem), data-title (the frame's accessible name). The chat's server must
 * allow the embedding site in APS_BOT_WEB_FRAME_ANCESTORS. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var data = script.dataset;
  var url = new URL("./", script.src);
  var lang = data.lang || document.documentElement.lang || "";
  if (lang) url.searchParams.set("lang", lang.slice(0, 16));
  var frame = document.createElement("iframe");
  frame.src = url.href;
  frame.title = data.title || "aps-bot";
  frame.loading = "lazy";
  frame.referrerPolicy = "no-referrer";
  frame.style.width = "100%";
  frame.style.maxWidth = "40rem";
  frame.style.height = data.height || "34rem";
  frame.style.border = "1px solid #c9d1db";
  frame.style.borderRadius = "0.4rem";
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
