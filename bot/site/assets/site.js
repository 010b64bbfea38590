/* aps-bot static site: a little progressive JavaScript. Every page works without it.
 *
 * - search.html: loads the prebuilt index (search-index.json) and ranks the FAQ entries as you
 *   type. The query is normalised as the bot normalises questions (see bot/site/search_index.py):
 *   case, accents, punctuation, then the index's own phrase and word tables, then plural endings.
 * - walkthrough date pages: a date field that follows the same routes as the links below it.
 * - walkthrough pages: a Back button (the browser's history).
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------ normalising

  function basicFold(text) {
    return text
      .slice(0, 500)
      .normalize("NFKD") // compatibility forms first ("𝐻" → "H"), then the case, as Python's fold
      .toLowerCase()
      .replace(/ß/g, "ss") // what Python's casefold() adds to lower()
      .replace(/ς/g, "σ")
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .replace(/[^\p{L}\p{N}\s]|_/gu, " ")
      .replace(/\s+/g, " ")
      .trim();
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function defaultToken(word) {
    if (/^\d+$/.test(word) && word.length < 3) return "";
    return word;
  }

  function Normaliser(index) {
    var phrases = index.phrases || {};
    var keys = Object.keys(phrases).sort(function (a, b) { return b.length - a.length; });
    this.phraseRe = keys.length
      ? new RegExp("(^|[^\\p{L}\\p{N}_])(" + keys.map(escapeRegExp).join("|") + ")(?![\\p{L}\\p{N}_])", "gu")
      : null;
    this.phrases = phrases;
    this.words = index.words || {};
  }

  Normaliser.prototype.tokens = function (text) {
    var folded = basicFold(text);
    var self = this;
    if (this.phraseRe) {
      folded = folded.replace(this.phraseRe, function (_, before, phrase) {
        return before + self.phrases[phrase];
      });
    }
    var out = [];
    folded.split(" ").forEach(function (word) {
      if (!word) return;
      var mapped = Object.prototype.hasOwnProperty.call(self.words, word)
        ? self.words[word]
        : defaultToken(word);
      mapped.split(" ").forEach(function (t) { if (t) out.push(t); });
    });
    return out;
  };

  // ------------------------------------------------------------------ ranking

  function oneEditApart(a, b) {
    // optimal string alignment distance <= 1 (one insertion, deletion, substitution or swap)
    if (a === b) return true;
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  function Search(index) {
    this.index = index;
    this.normaliser = new Normaliser(index);
    this.vocabulary = Object.keys(index.postings);
    this.n = index.entries.length;
  }

  Search.prototype.idf = function (token) {
    var p = this.index.postings[token];
    var df = p ? p.length / 2 : 1;
    return Math.log(1 + this.n / df);
  };

  // index tokens a query token stands for, each with a penalty (1 exact, less when guessed)
  Search.prototype.expand = function (token, last) {
    if (this.index.postings[token]) return [[token, 1]];
    var found = [];
    var vocabulary = this.vocabulary;
    if (token.length >= 5) {
      for (var i = 0; i < vocabulary.length; i++) {
        if (oneEditApart(token, vocabulary[i])) found.push([vocabulary[i], 0.8]);
      }
    }
    if (!found.length && last && token.length >= 3) {
      for (var j = 0; j < vocabulary.length; j++) {
        if (vocabulary[j].lastIndexOf(token, 0) === 0) found.push([vocabulary[j], 0.7]);
      }
    }
    return found;
  };

  Search.prototype.run = function (query) {
    var tokens = this.normaliser.tokens(query);
    var seen = {};
    tokens = tokens.filter(function (t) { return seen[t] ? false : (seen[t] = true); });
    if (!tokens.length) return [];
    var scores = {};
    var total = 0;
    var self = this;
    tokens.forEach(function (token, k) {
      var options = self.expand(token, k === tokens.length - 1);
      var weight = options.length ? self.idf(options[0][0]) : Math.log(1 + self.n);
      total += weight * 3;
      var best = {};
      options.forEach(function (option) {
        var postings = self.index.postings[option[0]];
        var idf = self.idf(option[0]);
        for (var i = 0; i < postings.length; i += 2) {
          var value = idf * postings[i + 1] * option[1];
          if (!(postings[i] in best) || best[postings[i]] < value) best[postings[i]] = value;
        }
      });
      Object.keys(best).forEach(function (e) { scores[e] = (scores[e] || 0) + best[e]; });
    });
    var ranked = Object.keys(scores)
      .map(function (e) { return { entry: self.index.entries[e], score: scores[e] / total, order: +e }; })
      .sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    if (!ranked.length) return [];
    // among equally good results, those the best one names as related come first
    var best = ranked[0];
    var related = best.entry[4] || [];
    function rank(r) { return r === best ? -1 : related.indexOf(r.order) >= 0 ? 0 : 1; }
    return ranked
      .sort(function (a, b) {
        if (Math.abs(a.score - b.score) > 1e-9) return b.score - a.score;
        return rank(a) - rank(b) || a.order - b.order;
      })
      .filter(function (r) { return r.score >= best.score * 0.25; })
      .slice(0, 12);
  };

  // ------------------------------------------------------------------ search page

  function pluralCategory(lang, n) {
    try {
      var c = new Intl.PluralRules(lang).select(n);
      return c === "one" ? "one" : "other";
    } catch (e) {
      return n === 1 ? "one" : "other";
    }
  }

  function setupSearch(box) {
    var form = document.querySelector("main form.search");
    var input = form && form.querySelector("input[name=q]");
    var status = box.querySelector(".status");
    var list = box.querySelector("ol");
    var lang = document.documentElement.lang;
    var search = null;
    var timer = null;

    function show(query) {
      list.textContent = "";
      if (!query.trim()) { status.textContent = box.dataset.empty; return; }
      var results = search.run(query);
      if (!results.length) { status.textContent = box.dataset.none; return; }
      var n = results.length;
      status.textContent = box.dataset[pluralCategory(lang, n)].replace("{count}", n);
      results.forEach(function (r) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.entry[2];
        a.textContent = r.entry[1];
        var p = document.createElement("p");
        p.textContent = r.entry[3];
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
    }

    function update() {
      var query = input.value;
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url);
      show(query);
    }

    var initial = new URLSearchParams(window.location.search).get("q") || "";
    if (input) input.value = initial;
    status.textContent = box.dataset.loading;
    fetch(box.dataset.index)
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (index) {
        search = new Search(index);
        show(initial);
        if (!input) return;
        input.addEventListener("input", function () {
          clearTimeout(timer);
          timer = setTimeout(update, 120);
        });
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          update();
        });
      })
      .catch(function () { status.textContent = box.dataset.failed; });
  }

  // ------------------------------------------------------------------ walkthrough

  function addMonths(date, months) {
    var d = new Date(date.getTime());
    var day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    var last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
    return d;
  }

  function setupDateRoute(form) {
    var input = form.querySelector("input[type=date]");
    var error = form.querySelector(".error");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value || "");
      if (!match) {
        error.textContent = form.dataset.invalid;
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      var date = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]));
      var now = new Date();
      var today = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
      var target = form.dataset.next;
      if (form.dataset.past && date < today) {
        target = form.dataset.past;
      } else if (form.dataset.older && date < addMonths(today, -Number(form.dataset.olderMonths))) {
        target = form.dataset.older;
      }
      window.location.href = target;
    });
  }

  function setupBack(button) {
    var sameSite = document.referrer && document.referrer.indexOf(window.location.origin) === 0;
    if (!sameSite || window.history.length < 2) return;
    button.hidden = false;
    button.addEventListener("click", function () { window.history.back(); });
  }

  function start() {
    var results = document.getElementById("results");
    if (results) setupSearch(results);
    document.querySelectorAll("form.date-route").forEach(setupDateRoute);
    document.querySelectorAll("button.back").forEach(setupBack);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  // exposed for tests run in the browser
  window.apsSearch = { Search: Search, Normaliser: Normaliser, basicFold: basicFold };
})();
