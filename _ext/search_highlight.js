/*
 * Marks the words a search found, on the page opened from a search result
 * (added to every page by _ext/section_search.py, in place of Sphinx's
 * sphinx_highlight.js).
 *
 * The result's link carries the words as they are written in the section
 * (?highlight=tablet+devices#if-a-group-member-brings...).  Only whole words
 * are marked, only in the section the link opens (or the glossary entry), and
 * never inside a diagram: an inline SVG keeps its text as drawn.  A button at
 * the top of the section clears the marks; print styles never show them.
 */
(() => {
  "use strict";

  const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
  const fold = (word) =>
    word.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/['’]/g, "");
  const SKIP = "svg, script, style, button, textarea, select, mark, .headerlink, .search-matches";

  /** The elements to mark in: the linked section, a glossary term with its definition, or the main text. */
  const places = () => {
    const main = document.querySelector('[role="main"]');
    if (!main) return [];
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (!target || !main.contains(target)) return [main];
    if (target.tagName === "DT" && target.nextElementSibling?.tagName === "DD") {
      return [target, target.nextElementSibling];
    }
    return [target];
  };

  const mark = (root, wanted) => {
    const marks = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.parentElement && !node.parentElement.closest(SKIP) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT,
    });
    const nodes = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node);
    nodes.forEach((node) => {
      const text = node.nodeValue;
      const hits = [...text.matchAll(WORD)].filter((m) => wanted.has(fold(m[0])));
      if (hits.length === 0) return;
      const pieces = document.createDocumentFragment();
      let cursor = 0;
      hits.forEach((m) => {
        pieces.append(text.slice(cursor, m.index));
        const element = document.createElement("mark");
        element.className = "search-match";
        element.textContent = m[0];
        pieces.append(element);
        marks.push(element);
        cursor = m.index + m[0].length;
      });
      pieces.append(text.slice(cursor));
      node.replaceWith(pieces);
    });
    return marks;
  };

  const clear = (marks, control) => {
    marks.forEach((element) => element.replaceWith(...element.childNodes));
    document.querySelectorAll('[role="main"]').forEach((main) => main.normalize());
    control.remove();
  };

  const start = () => {
    const url = new URL(window.location.href);
    const given = url.searchParams.get("highlight");
    if (!given) return;
    // The words are marked once: a reload, a bookmark or a printout of the page has none.
    url.searchParams.delete("highlight");
    window.history.replaceState(window.history.state, "", url.href);
    const wanted = new Set(given.split(/\s+/).map(fold).filter(Boolean));
    const roots = places();
    const marks = roots.flatMap((root) => mark(root, wanted));
    if (marks.length === 0) return;
    const control = document.createElement("p");
    control.className = "search-matches";
    control.innerHTML = '<button type="button">Hide search matches</button>';
    control.querySelector("button").addEventListener("click", () => clear(marks, control));
    // Under the section's heading; in a glossary entry, at the top of its definition.
    const first = roots[0].tagName === "DT" ? roots[1] : roots[0].querySelector(":scope > section") || roots[0];
    const heading = first.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6");
    if (heading) heading.after(control);
    else first.prepend(control);
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
