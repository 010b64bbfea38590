/* aps-bot static site: a little progressive JavaScript. Every page works without it.
 *
 * - search.html: loads the prebuilt index (search-index.json) and ranks the FAQ entries as you
 *   type, as the bot does: the index holds the bot's own ranking (see bot/site/search_index.py),
 *   and a question is read as the bot reads it (numbers, case, accents, spellings, phrases, each
 *   word's term, typos), then ranked by the same sums.
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

  // ------------------------------------------------------------------ the index's tables

  var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvwxyzWXYZ-_";
  var DIGIT = {};
  for (var a = 0; a < ALPHABET.length; a++) DIGIT[ALPHABET[a]] = a;

  // base 32, least significant digit first; the upper half of the alphabet says a digit follows
  function readVarints(text) {
    var out = [];
    var n = 0;
    var shift = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = DIGIT[text[i]];
      n += (digit & 31) * Math.pow(2, shift);
      if (digit >= 32) shift += 5;
      else { out.push(n); n = 0; shift = 0; }
    }
    return out;
  }

  // ------------------------------------------------------------------ numbers, as the bot reads them

  var WORD = "[\\p{L}\\p{N}_]";
  var DATE_RE = new RegExp("(?<!" + WORD + ")\\p{Nd}{1,4}[/.-]\\p{Nd}{1,2}[/.-]\\p{Nd}{1,4}(?!" + WORD + ")", "gu");
  var NUMBER_RE = new RegExp(
    "(?<![\\p{L}\\p{N}_/])(\\p{Nd}{1,3}(?:[ \\u00a0\\u202f.,]\\p{Nd}{3})+(?:[.,]\\p{Nd}{1,2})?|\\p{Nd}+(?:[.,]\\p{Nd}{1,2})?)(?![\\p{Nd}/])",
    "gu"
  );

  function canonical(raw) {
    var digits = raw.replace(/[ \u00a0\u202f]/g, "");
    var last = Math.max(digits.lastIndexOf("."), digits.lastIndexOf(","));
    var whole = digits;
    var decimals = "";
    if (last >= 0) {
      var tail = digits.slice(last + 1);
      var separators = (digits.match(/[.,]/g) || []).length;
      if ((separators > 1 || tail.length === 3) && tail.length === 3) {
        whole = digits.replace(/[.,]/g, "");
      } else {
        whole = digits.slice(0, last).replace(/[.,]/g, "");
        decimals = tail.replace(/0+$/, "");
      }
    }
    whole = whole.replace(/^0+/, "") || "0";
    return decimals ? ["#" + whole + "." + decimals, "#" + whole] : ["#" + whole];
  }

  function numberTokens(text) {
    var found = [];
    var rest = text.replace(DATE_RE, " ").replace(NUMBER_RE, function (_, number) {
      found.push.apply(found, canonical(number));
      return " ";
    });
    return [found, rest];
  }

  // ------------------------------------------------------------------ the bot's ranking

  // optimal string alignment distance, or limit + 1 when it is over the limit
  function osa(a, b, limit) {
    var previous2 = [];
    var previous = [];
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var current = [i];
      var least = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, previous2[j - 2] + 1);
        }
        current.push(value);
        if (value < least) least = value;
      }
      if (least > limit) return limit + 1;
      previous2 = previous;
      previous = current;
    }
    return Math.min(previous[b.length], limit + 1);
  }

  function lengths(table) {
    var out = {};
    Object.keys(table).forEach(function (key) {
      var first = key.split(" ")[0];
      out[first] = Math.max(out[first] || 0, key.split(" ").length);
    });
    return out;
  }

  // runs of words the table knows, longest first: replaced (spellings) or named (phrases)
  function greedy(words, longest, table, least, replace) {
    var out = [];
    var i = 0;
    while (i < words.length) {
      var done = false;
      for (var size = Math.min(longest[words[i]] || 0, words.length - i); size >= least; size--) {
        var key = words.slice(i, i + size).join(" ");
        if (has(table, key)) {
          if (replace) out.push.apply(out, table[key].split(" "));
          else out.push([key, table[key]]);
          i += size;
          done = true;
          break;
        }
      }
      if (!done) { out.push(words[i]); i++; }
    }
    return out;
  }

  function has(table, key) {
    return Object.prototype.hasOwnProperty.call(table, key);
  }

  // Han characters of the Basic Multilingual Plane (as tests/web/site_helpers.py's HAN)
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;

  // a word holding Han characters cut as a segmenter would: each run of them into the longest
  // words the index knows (forward maximum matching), the rest kept whole
  function segment(word, known, longest) {
    var out = [];
    var last = 0;
    word.replace(HAN, function (run, at) {
      if (at > last) out.push(word.slice(last, at));
      var i = 0;
      while (i < run.length) {
        var n = Math.min(longest, run.length - i);
        while (n > 1 && !has(known, run.substr(i, n))) n--;
        out.push(run.substr(i, n));
        i += n;
      }
      last = at + run.length;
      return run;
    });
    if (last < word.length) out.push(word.slice(last));
    return out;
  }

  // the scripts of the reading table, as the bot names them (the first word of a letter's
  // Unicode name); a script not listed here is not told apart
  var SCRIPTS = {
    LATIN: /\p{Script=Latin}/u, CJK: /\p{Script=Han}/u, CYRILLIC: /\p{Script=Cyrillic}/u,
    ARABIC: /\p{Script=Arabic}/u, GREEK: /\p{Script=Greek}/u, HEBREW: /\p{Script=Hebrew}/u,
    DEVANAGARI: /\p{Script=Devanagari}/u, HANGUL: /\p{Script=Hangul}/u, THAI: /\p{Script=Thai}/u
  };

  // the language a question is written in, as bot.search.reading does: its script (the one
  // fewest languages share), then the words only one language of that script has; `fallback`
  // (the page's language) when nothing tells
  function readLanguage(reading, text, fallback) {
    if (!reading) return fallback;
    var counts = {};
    Array.from(text.slice(0, 500)).forEach(function (c) {
      Object.keys(reading.scripts).forEach(function (script) {
        if (SCRIPTS[script] && SCRIPTS[script].test(c)) counts[script] = (counts[script] || 0) + 1;
      });
    });
    var scripts = Object.keys(counts).sort(function (a, b) {
      return reading.scripts[a].length - reading.scripts[b].length || counts[b] - counts[a] ||
        (a < b ? -1 : 1);
    });
    if (!scripts.length) return fallback;
    var codes = reading.scripts[scripts[0]];
    if (codes.length === 1) return codes[0];
    if (!reading.sets) {
      reading.sets = {};
      Object.keys(reading.votes).forEach(function (code) {
        reading.sets[code] = {};
        reading.votes[code].split(" ").forEach(function (w) { reading.sets[code][w] = true; });
      });
    }
    var votes = {};
    basicFold(text).split(" ").forEach(function (word) {
      codes.forEach(function (code) {
        if (reading.sets[code] && has(reading.sets[code], word)) votes[code] = (votes[code] || 0) + 1;
      });
    });
    var ranked = Object.keys(votes).sort(function (a, b) { return votes[b] - votes[a]; });
    if (!ranked.length || (ranked.length > 1 && votes[ranked[0]] === votes[ranked[1]])) return fallback;
    return ranked[0];
  }

  function top(raw, k) {
    return Object.keys(raw)
      .map(function (e) { return [+e, raw[e]]; })
      .sort(function (x, y) { return y[1] - x[1] || x[0] - y[0]; })
      .slice(0, k);
  }

  function Search(index) {
    var self = this;
    this.index = index;
    this.settings = index.settings;
    this.n = index.entries.length;
    var scale = this.settings.weight_scale;
    this.postings = index.postings.map(function (text) {
      var numbers = readVarints(text);
      var rows = [];
      var e = 0;
      for (var i = 0; i < numbers.length; i += 3) {
        e += numbers[i];
        rows.push([e, numbers[i + 1] / scale, numbers[i + 2]]);
      }
      return rows;
    });
    this.idf = this.postings.map(function (p) {
      return Math.log(1 + (self.n - p.length + 0.5) / (p.length + 0.5));
    });
    this.exampleEntry = [];
    index.example_entries.forEach(function (count, e) {
      for (var i = 0; i < count; i++) self.exampleEntry.push(e);
    });
    var squares = this.exampleEntry.map(function () { return 0; });
    this.saying = index.examples.map(function (text, t) {
      var x = 0;
      return readVarints(text).map(function (gap) {
        x += gap;
        squares[x] += self.idf[t] * self.idf[t];
        return x;
      });
    });
    this.exampleNorm = squares.map(Math.sqrt);
    var totals = index.entries.map(function () { return 0; });
    this.nbVocabulary = {};
    var vocabularySize = 0;
    this.postings.forEach(function (rows, t) {
      rows.forEach(function (row) {
        if (!row[2]) return;
        totals[row[0]] += row[2];
        if (!self.nbVocabulary[t]) { self.nbVocabulary[t] = true; vocabularySize++; }
      });
    });
    var alpha = this.settings.nb_alpha;
    this.nbNorm = totals.map(function (total) { return Math.log(total + alpha * vocabularySize); });
    this.words = {};
    this.correctable = [];
    Object.keys(index.words).forEach(function (word) {
      var value = index.words[word];
      var ids = value ? readVarints(value).map(function (x) { return x - 1; }) : 0;
      self.words[word] = ids;
      if (ids && ids[0] >= 0 && word.length >= 4 && !/^\d+$/.test(word)) self.correctable.push(word);
    });
    this.correctable.sort();
    this.hanLongest = 1;
    if (index.segment) {
      Object.keys(this.words).forEach(function (word) {
        if (/^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/.test(word)) {
          self.hanLongest = Math.max(self.hanLongest, Math.min(word.length, 8));
        }
      });
    }
    this.spellingLen = lengths(index.spellings);
    this.phraseLen = lengths(index.phrases);
  }

  Search.prototype.correct = function (word) {
    if (word.length < 4 || /^\d+$/.test(word)) return null;
    var limit = word.length >= 8 ? 2 : 1;
    var best = null;
    var bestDistance = limit + 1;
    for (var i = 0; i < this.correctable.length; i++) {
      var candidate = this.correctable[i];
      if (Math.abs(candidate.length - word.length) > limit) continue;
      var d = osa(word, candidate, limit);
      if (d < bestDistance) { bestDistance = d; best = candidate; } // sorted: the first wins ties
    }
    return best;
  };

  // the question's terms and their factors (1, or less for a corrected typo)
  Search.prototype.query = function (text) {
    var self = this;
    var out = {};
    function add(term, factor) {
      if (term >= 0 && !(out[term] >= factor)) out[term] = factor;
    }
    var split = numberTokens(text.slice(0, 500));
    split[0].forEach(function (token) { if (has(self.index.tokens, token)) add(self.index.tokens[token], 1); });
    var folded = basicFold(split[1]);
    var words = folded ? folded.split(" ") : [];
    if (this.index.segment) {
      words = [].concat.apply([], words.map(function (w) { return segment(w, self.words, self.hanLongest); }));
    }
    words = greedy(words, this.spellingLen, this.index.spellings, 1, true);
    greedy(words, this.phraseLen, this.index.phrases, 2, false).forEach(function (chunk) {
      if (typeof chunk !== "string") {
        if (has(self.index.tokens, chunk[1])) add(self.index.tokens[chunk[1]], 1);
        return;
      }
      var mapped = has(self.words, chunk) ? self.words[chunk] : null;
      if (mapped === 0) return; // a stop word
      if (mapped && mapped[0] >= 0) {
        add(mapped[0], 1);
      } else {
        var fixed = self.correct(chunk);
        if (fixed !== null) add(self.words[fixed][0], self.settings.correction);
      }
      if (mapped) add(mapped[1], 1);
    });
    return out;
  };

  Search.prototype.rank = function (text) {
    var self = this;
    var s = this.settings;
    var query = this.query(text);
    var terms = Object.keys(query).map(Number);
    if (!terms.length) return [];
    var raw = {};
    terms.forEach(function (t) {
      self.postings[t].forEach(function (row) { raw[row[0]] = (raw[row[0]] || 0) + row[1] * query[t]; });
    });
    var qNorm = Math.sqrt(terms.reduce(function (sum, t) { return sum + self.idf[t] * self.idf[t]; }, 0));
    top(raw, s.candidates).forEach(function (leader) {
      var e = leader[0];
      var shared = {};
      terms.forEach(function (t) {
        self.saying[t].forEach(function (x) {
          if (self.exampleEntry[x] === e) shared[x] = (shared[x] || 0) + self.idf[t] * self.idf[t] * query[t];
        });
      });
      var closest = -1;
      Object.keys(shared).forEach(function (x) { closest = Math.max(closest, shared[x] / self.exampleNorm[x]); });
      if (closest >= 0) raw[e] += s.closeness * Math.pow(closest / qNorm, 3);
    });
    this.rules(raw, terms);
    var leaders = top(raw, s.nb_candidates);
    var said = terms.filter(function (t) { return self.nbVocabulary[t]; });
    if (leaders.length && said.length && s.nb_weight) {
      var floor = Math.log(s.nb_alpha);
      var total = said.reduce(function (sum, t) { return sum + query[t]; }, 0);
      var counts = {};
      said.forEach(function (t) {
        self.postings[t].forEach(function (row) { if (row[2]) counts[row[0] + ":" + t] = row[2]; });
      });
      var logs = leaders.map(function (leader) {
        var e = leader[0];
        return said.reduce(function (sum, t) {
          var c = counts[e + ":" + t];
          return sum + query[t] * (c ? Math.log(c + s.nb_alpha) : floor);
        }, 0) - total * self.nbNorm[e];
      });
      var best = Math.max.apply(null, logs);
      var weights = logs.map(function (v) { return Math.exp(v - best); });
      var norm = weights.reduce(function (a, b) { return a + b; }, 0);
      var scaleNb = s.nb_weight * leaders[0][1];
      leaders.forEach(function (leader, i) { raw[leader[0]] += scaleNb * weights[i] / norm; });
    }
    return top(raw, Infinity);
  };

  Search.prototype.rules = function (raw, terms) {
    var index = this.index;
    var named = {};
    Object.keys(index.tokens).forEach(function (token) {
      if (token[0] === "@" && terms.indexOf(index.tokens[token]) >= 0) named[token] = true;
    });
    var rece = index.rece.some(function (c) { return named[c]; });
    var bilateral = index.bilateral.some(function (c) { return named[c]; });
    var nations = index.nationalities.some(function (c) { return c && named[c]; });
    if (!rece && !bilateral && !nations) return;
    var boost = this.settings.nationality_boost;
    Object.keys(raw).forEach(function (e) {
      var scope = index.scopes[e];
      var nation = index.nationalities[e];
      if ((rece && !bilateral && scope === "bilateral") || (bilateral && !rece && scope === "rece")) {
        delete raw[e];
      } else if (nation && nations) {
        if (named[nation]) raw[e] *= 1 + boost;
        else delete raw[e];
      }
    });
  };

  // the results for `query`: at most 12, each {entry: [id, title, url, snippet], score};
  // `shown` (id -> entry) gives the titles of another page's language
  Search.prototype.run = function (query, shown) {
    var entries = this.index.entries;
    var ranked = this.rank(query).filter(function (r) {
      return entries[r[0]] && (!shown || has(shown, entries[r[0]][0]));
    });
    if (!ranked.length) return [];
    var best = ranked[0][1];
    return ranked
      .filter(function (r) { return r[1] >= best * 0.25; })
      .slice(0, 12)
      .map(function (r) {
        return { entry: shown ? shown[entries[r[0]][0]] : entries[r[0]], score: r[1] };
      });
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

  // a search page's searches: a question is searched in the index of the language it is written
  // in, as the chat reads it, and shown with the page's titles; `load(code, done)` fetches
  // another language's index once and calls done(index), or done(null) when it has none
  function Searches(lang, index, load) {
    var shown = {};
    this.lang = lang;
    this.page = new Search(index);
    this.load = load;
    this.others = {};
    this.others[lang] = this.page;
    this.shown = shown;
    index.entries.forEach(function (e) { if (e) shown[e[0]] = e; });
  }

  // the results for `query` (Search.run), or null while another language's index loads
  Searches.prototype.run = function (query) {
    var self = this;
    var code = readLanguage(this.page.index.reading, query, this.lang);
    if (!has(this.others, code)) {
      this.others[code] = null;
      this.load(code, function (index) { self.others[code] = index ? new Search(index) : false; });
    }
    var engine = this.others[code];
    if (engine === null) return null;
    return engine ? engine.run(query, this.shown) : this.page.run(query);
  };

  function setupSearch(box) {
    var form = document.querySelector("main form.search");
    var input = form && form.querySelector("input[name=q]");
    var status = box.querySelector(".status");
    var list = box.querySelector("ol");
    var lang = document.documentElement.lang;
    var searches = null;
    var timer = null;

    // another language's index, fetched once from its folder; the query is shown again then
    function load(code, done) {
      var url = new URL("../" + code + "/" + box.dataset.index.split("/").pop(),
        new URL(box.dataset.index, window.location.href));
      fetch(url)
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(done, function () { done(null); })
        .then(function () { show(input ? input.value : ""); });
    }

    function show(query) {
      if (!searches) return; // still loading: shown once the index is there
      list.textContent = "";
      if (!query.trim()) { status.textContent = box.dataset.empty; return; }
      var results = searches.run(query);
      if (results === null) { status.textContent = box.dataset.loading; return; }
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
    if (input) {
      input.value = initial;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(update, 120);
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        update();
      });
    }
    status.textContent = box.dataset.loading;
    fetch(box.dataset.index)
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (index) {
        searches = new Searches(lang, index, load);
        show(input ? input.value : initial); // what was typed while it loaded
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
  window.apsSearch = {
    Search: Search, basicFold: basicFold, readVarints: readVarints, numberTokens: numberTokens,
    readLanguage: readLanguage, segment: segment, Searches: Searches
  };
})();
