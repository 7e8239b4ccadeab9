/*
 * The manual's search (added to the search page by _templates/search.html;
 * the index is _static/search-index.js, written by _ext/section_search.py).
 *
 * One entry a section.  A question is split into words; the common words
 * declared in search-words.toml are left out; each word is stemmed with the
 * English stemmer Sphinx ships (language_data.js) and widened with its
 * declared synonyms and, as a weaker match, with longer words it begins.
 * Sections are ranked by BM25 over three fields (heading; page title and the
 * headings above; text), times the share of the question's words they hold,
 * so that a section holding most of the words comes before one holding one
 * word often.  Results are grouped by page, best section first, each linking
 * to its section with the words found, for search-highlight.js to mark.
 *
 * Everything is local: the index is a <script>, so this works from file://.
 */
(() => {
  "use strict";

  const INDEX = window.MANUAL_SEARCH_INDEX;
  // BM25 constants, and how much a match in each field counts against the text.
  const K1 = 1.2;
  const B = [0.3, 0.3, 0.5]; // how much a field's length counts against it: headings are short
  const FIELD_WEIGHTS = [4.0, 1.5, 1.0]; // heading, page title and headings above, text
  // How much a match counts by its kind: the word typed, a declared synonym, a longer word it begins.
  const EXACT = 1.0;
  const SYNONYM = 0.7;
  const PART = 0.3;
  // A section's score is multiplied by (share of the question's words it holds) ** COVERAGE,
  // and by 1 + HEADING * (share of them in its heading): a heading says what a section is about.
  const COVERAGE = 1;
  const HEADING = 3;
  // ... and by 1 + PHRASE * (share of neighbouring words of the question found side by side in it).
  const PHRASE = 0.5;
  const MAX_PAGES = 30;
  const LEAST = 0.05; // pages scoring below this share of the best are left out: they hold a word in passing
  const ALSO = 3; // other matching sections listed under a page's best one
  const SNIPPET = 240; // characters

  const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
  const fold = (word) =>
    word.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/['’]/g, "");

  const stemmer = new window.Stemmer();
  const stems = new Map();
  const stem = (word) => {
    let found = stems.get(word);
    if (found === undefined) {
      found = /^\d+$/.test(word) ? word : stemmer.stemWord(word);
      stems.set(word, found);
    }
    return found;
  };
  const words = (text) => (text.match(WORD) || []).map(fold);

  // -- the index, built once on load -----------------------------------------

  const build = () => {
    const sections = [];
    const vocabulary = new Map(); // folded word -> stem, every word in the manual
    const frequency = new Map(); // stem -> number of sections holding it
    const lengthSums = [0, 0, 0];
    INDEX.pages.forEach((page) => {
      page.sections.forEach((section, position) => {
        const heading = section.heading || page.title;
        const context = position === 0 && !section.heading ? section.path : [page.title, ...section.path];
        const fields = [heading, context.join(" "), section.text].map((text) => {
          const counts = new Map();
          const found = words(text);
          const sequence = found.map((word) => {
            const key = stem(word);
            vocabulary.set(word, key);
            counts.set(key, (counts.get(key) || 0) + 1);
            return key;
          });
          return { counts, length: found.length, sequence };
        });
        const seen = new Set();
        fields.forEach((field, i) => {
          lengthSums[i] += field.length;
          field.counts.forEach((_, key) => seen.add(key));
        });
        seen.forEach((key) => frequency.set(key, (frequency.get(key) || 0) + 1));
        sections.push({ page, section, heading, fields, weight: section.weight ?? 1 });
      });
    });
    const averages = lengthSums.map((sum) => Math.max(1, sum / Math.max(1, sections.length)));
    const groups = (declared) => {
      const found = new Map(); // stem -> stems of its group
      declared.forEach((group) => {
        const keys = group.map((word) => stem(fold(word)));
        keys.forEach((key) => found.set(key, new Set([...(found.get(key) || []), ...keys])));
      });
      return found;
    };
    return {
      sections, vocabulary, frequency, averages,
      synonyms: groups(INDEX.synonyms), forms: groups(INDEX.forms || []), ignore: new Set(INDEX.ignore),
    };
  };

  // -- a question --------------------------------------------------------------

  /** The words searched for, each with what it matches: [{word, terms: Map(stem -> weight)}], and those left out. */
  const parse = (index, question) => {
    const typed = [...new Set(words(question))];
    let kept = typed.filter((word) => !index.ignore.has(word));
    if (kept.length === 0) kept = typed;
    const left = typed.filter((word) => !kept.includes(word));
    const parts = kept.map((word) => {
      const terms = new Map();
      const add = (key, weight) => {
        if ((terms.get(key) || 0) < weight) terms.set(key, weight);
      };
      const key = stem(word);
      const same = index.forms.get(key) || new Set([key]);
      same.forEach((form) => add(form, EXACT));
      same.forEach((form) => (index.synonyms.get(form) || []).forEach((other) => add(other, SYNONYM)));
      if (word.length >= 4) {
        index.vocabulary.forEach((other, full) => {
          if (full.length > word.length && full.startsWith(word)) add(other, PART);
        });
      }
      return { word, terms };
    });
    return { parts, left };
  };

  /**
   * How much each word of the question tells: as much as its commonest form where the manual
   * has it (a word in nearly every section tells little), else its rarest synonym; 0 if nothing matches.
   */
  const informations = (index, parts) => {
    const total = index.sections.length;
    return parts.map(({ terms }) => {
      let common = 0;
      let rarest = 0;
      terms.forEach((weight, key) => {
        const n = index.frequency.get(key) || 0;
        if (!n) return;
        if (weight === EXACT) common = Math.max(common, n);
        else rarest = Math.max(rarest, weight * idf(total, n));
      });
      return common ? idf(total, common) : rarest;
    });
  };

  const idf = (total, n) => Math.log(1 + (total - n + 0.5) / (n + 0.5));

  const score = (index, parts, information, entry) => {
    const total = index.sections.length;
    let sum = 0;
    let held = 0;
    let headed = 0;
    let all = 0;
    const matched = new Set();
    parts.forEach(({ terms }, i) => {
      let best = 0;
      let bestKind = 0;
      let inHeading = 0;
      terms.forEach((weight, key) => {
        // A synonym in a heading says the section is about the same thing: it counts in full here.
        if (entry.fields[0].counts.get(key) && weight > inHeading) inHeading = weight >= SYNONYM ? EXACT : weight;
        let tf = 0;
        entry.fields.forEach((field, f) => {
          const count = field.counts.get(key) || 0;
          if (count) tf += (FIELD_WEIGHTS[f] * count) / (1 - B[f] + (B[f] * field.length) / index.averages[f]);
        });
        if (!tf) return;
        matched.add(key);
        const value = (weight * idf(total, index.frequency.get(key) || 0) * tf * (K1 + 1)) / (tf + K1);
        if (value > best) best = value;
        if (weight > bestKind) bestKind = weight;
      });
      sum += best;
      held += bestKind * information[i];
      headed += inHeading * information[i];
      all += information[i];
    });
    // The share of what the question says that the section holds: rare words count for more.
    const coverage = all ? held / all : 0;
    const heading = all ? headed / all : 0;
    const phrase = parts.length > 1 ? phrases(parts, entry) / (parts.length - 1) : 0;
    const value = sum * coverage ** COVERAGE * (1 + HEADING * heading) * (1 + PHRASE * phrase) * entry.weight;
    return { value, matched, coverage };
  };

  /** How many pairs of neighbouring words of the question stand side by side in the section's heading or text. */
  const phrases = (parts, entry) => {
    let found = 0;
    for (let i = 0; i + 1 < parts.length; i += 1) {
      const [first, second] = [parts[i].terms, parts[i + 1].terms];
      const together = [entry.fields[0], entry.fields[2]].some(({ sequence }) =>
        sequence.some((key, j) => j + 1 < sequence.length && first.has(key) && second.has(sequence[j + 1])));
      if (together) found += 1;
    }
    return found;
  };

  const search = (index, question) => {
    const { parts, left } = parse(index, question);
    if (parts.length === 0) return { parts, left, pages: [] };
    const information = informations(index, parts);
    const scored = index.sections
      .map((entry) => ({ entry, ...score(index, parts, information, entry) }))
      .filter((result) => result.value > 0)
      .sort((a, b) => b.value - a.value);
    const byPage = new Map();
    scored.forEach((result) => {
      const list = byPage.get(result.entry.page) || [];
      list.push(result);
      byPage.set(result.entry.page, list);
    });
    const best = scored.length ? scored[0].value : 0;
    const pages = [...byPage.values()].filter((results) => results[0].value >= LEAST * best).slice(0, MAX_PAGES);
    return { parts, left, pages };
  };

  // -- snippets and links -------------------------------------------------------

  const escape = (text) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

  /** The words of *text* with their places, and whether each is a match. */
  const places = (text, matched) =>
    [...text.matchAll(WORD)].map((m) => ({
      start: m.index,
      end: m.index + m[0].length,
      hit: matched.has(stem(fold(m[0]))),
    }));

  /** A piece of the section's text around its best cluster of matches, starting at a word or a sentence. */
  const snippet = (text, matched) => {
    const found = places(text, matched);
    if (found.length === 0) return { html: "", words: [] };
    const hits = found.map((place, i) => (place.hit ? i : -1)).filter((i) => i >= 0);
    let first = 0;
    if (hits.length) {
      // The window of about SNIPPET characters with the most different matching words.
      let best = -1;
      hits.forEach((i) => {
        const distinct = new Set();
        for (let j = i; j < found.length && found[j].end - found[i].start < SNIPPET * 0.8; j += 1) {
          if (found[j].hit) distinct.add(stem(fold(text.slice(found[j].start, found[j].end))));
        }
        if (distinct.size > best) {
          best = distinct.size;
          first = i;
        }
      });
      // Start at the beginning of its sentence or line, if that is near.
      for (let j = first; j >= 0 && found[first].start - found[j].start < SNIPPET * 0.4; j -= 1) {
        const before = text.slice(0, found[j].start).trimEnd();
        if (before === "" || /[.!?:;\n]$/.test(text.slice(0, found[j].start).replace(/[ "“(]+$/, ""))) {
          first = j;
          break;
        }
      }
    }
    const start = found[first].start;
    let end = start;
    let last = first;
    for (let j = first; j < found.length && found[j].end - start <= SNIPPET; j += 1) {
      end = found[j].end;
      last = j;
    }
    // Keep the punctuation that ends the last word's sentence.
    const tail = text.slice(end).match(/^[.!?,;:)”"]*/)[0];
    end += tail.length;
    const atStart = text.slice(0, start).trim() === "";
    const atEnd = last === found.length - 1;
    let html = atStart ? "" : "… ";
    let cursor = start;
    const shown = new Set();
    for (let j = first; j <= last; j += 1) {
      const place = found[j];
      html += joinLines(text.slice(cursor, place.start));
      const word = text.slice(place.start, place.end);
      if (place.hit) {
        html += `<mark class="highlighted">${escape(word)}</mark>`;
        shown.add(fold(word));
      } else {
        html += escape(word);
      }
      cursor = place.end;
    }
    html += escape(text.slice(cursor, end)) + (atEnd ? "" : " …");
    return { html, words: [...shown] };
  };

  // A line break in a section's text (between list items, say) reads as a separator.
  const joinLines = (between) =>
    escape(between).replace(/\s*\n\s*/g, (_, offset, all) => (/[.!?:;,]$/.test(all.slice(0, offset)) ? " " : " · "));

  /** Every matching word of the section, as written: for the page to mark. */
  const matchingWords = (entry, matched) => {
    const all = new Set();
    [entry.heading, entry.section.text].forEach((text) => {
      places(text, matched).forEach((place) => {
        if (place.hit) all.add(fold(text.slice(place.start, place.end)));
      });
    });
    return [...all];
  };

  const link = (entry, matched) => {
    const marked = matchingWords(entry, matched);
    const query = marked.length ? `?highlight=${encodeURIComponent(marked.join(" "))}` : "";
    const anchor = entry.section.anchor ? `#${encodeURIComponent(entry.section.anchor)}` : "";
    return entry.page.url + query + anchor;
  };

  const breadcrumb = (entry) => {
    if (!entry.section.anchor) return "";
    return [entry.page.title, ...entry.section.path].filter((part, i, all) => part && all.indexOf(part) === i)
      .map(escape).join(" › ");
  };

  // -- the page ---------------------------------------------------------------------

  const render = (container, question, found) => {
    const { parts, left, pages } = found;
    const summary = document.createElement("p");
    summary.className = "search-summary";
    summary.setAttribute("role", "status");
    const quoted = `“${escape(question)}”`;
    if (parts.length === 0) {
      summary.innerHTML = "Type a question or some words to search the manual.";
    } else if (pages.length === 0) {
      summary.innerHTML = `Nothing in the manual matches ${quoted}. Try other words, or fewer.`;
    } else {
      summary.innerHTML = `${pages.length} page${pages.length === 1 ? "" : "s"} match ${quoted}, best first.`;
    }
    container.replaceChildren(summary);
    if (parts.length) {
      const searched = document.createElement("p");
      searched.className = "search-words";
      const also = ({ word, terms }) => {
        const others = [...terms].filter(([key, weight]) => weight === SYNONYM && key !== stem(word));
        return others.length ? " (and words that mean the same)" : "";
      };
      searched.innerHTML = `Searched for: ${parts.map((part) => `<b>${escape(part.word)}</b>${also(part)}`).join(", ")}.`
        + (left.length ? ` Common words left out: ${left.map(escape).join(", ")}.` : "");
      container.append(searched);
    }
    if (pages.length === 0) return;
    const list = document.createElement("ul");
    list.className = "search";
    pages.forEach((results) => {
      const [best, ...others] = results;
      const item = document.createElement("li");
      const crumb = breadcrumb(best.entry);
      // A page's top often has only its title: the snippet then comes from its first section with text.
      const own = best.entry.section.text;
      const source = own || (best.entry.page.sections.find((section) => section.text) || {}).text || "";
      const { html } = snippet(source, best.matched);
      item.innerHTML = `<a href="${escape(link(best.entry, best.matched))}">${escape(best.entry.heading)}</a>`
        + (crumb ? `<span class="search-result-page">${crumb}</span>` : "")
        + (html ? `<p class="context">${html}</p>` : "");
      const more = others.slice(0, ALSO);
      if (more.length) {
        const also = document.createElement("p");
        also.className = "search-also";
        also.innerHTML = "Also on this page: " + more
          .map((other) => `<a href="${escape(link(other.entry, other.matched))}">${escape(other.entry.heading)}</a>`)
          .join(", ");
        item.append(also);
      }
      list.append(item);
    });
    container.append(list);
  };

  const start = () => {
    const container = document.getElementById("search-results");
    if (!container || !INDEX) return;
    const question = (new URLSearchParams(window.location.search).get("q") || "").trim();
    document.querySelectorAll('input[name="q"]').forEach((input) => {
      input.value = question;
    });
    const index = build();
    window.manualSearch = {
      search: (text) => search(index, text),
      // For developers tuning the ranking: what one section got for a question.
      explain: (text, url) => {
        const { parts } = parse(index, text);
        const information = informations(index, parts);
        const entry = index.sections.find((e) => `${e.page.url}#${e.section.anchor}` === url);
        return entry && { parts: parts.map((p) => p.word), information, ...score(index, parts, information, entry),
          fields: entry.fields.map((f) => Object.fromEntries(f.counts)) };
      },
    };
    render(container, question, search(index, question));
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
