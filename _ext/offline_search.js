/*
 * Search snippets offline (added to the search page by _ext/offline_search.py).
 *
 * Sphinx's searchtools.js fetches each result page to show a snippet, and
 * browsers refuse fetch() of file:// URLs.  Opened from file://, this answers
 * that fetch from _static/search-texts.js instead: a small HTML document whose
 * [role="main"] element holds the page's text, with the ids of its sections,
 * which is all Search.htmlToText reads.  Over http(s) it does nothing.
 */
(() => {
  "use strict";
  if (window.location.protocol !== "file:") return;

  const dataUrl = new URL("search-texts.js", document.currentScript.src).href;
  const realFetch = window.fetch.bind(window);
  let texts = null;

  const loadTexts = () => {
    if (texts === null) {
      texts = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = dataUrl;
        script.onload = () => resolve(window.OFFLINE_SEARCH_TEXTS || {});
        script.onerror = () => reject(new Error(`cannot load ${dataUrl}`));
        document.head.appendChild(script);
      });
    }
    return texts;
  };

  const escapeText = (text) =>
    text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  const escapeAttribute = (text) => escapeText(text).replaceAll('"', "&quot;");

  // A node is [id, child, ...]; a child is text or another node.
  const render = (children) =>
    children
      .map((child) =>
        typeof child === "string"
          ? escapeText(child)
          : `<div id="${escapeAttribute(child[0])}">${render(child.slice(1))}</div>`,
      )
      .join("");

  // The page a URL names, relative to the root of the manual ("modules/triggers.html").
  const pageOf = (input) => {
    const root = new URL(document.documentElement.dataset.content_root || "./", document.baseURI);
    const url = new URL(typeof input === "string" ? input : input.url, document.baseURI);
    if (url.protocol !== "file:" || !url.pathname.startsWith(root.pathname)) return null;
    return decodeURIComponent(url.pathname.slice(root.pathname.length));
  };

  window.fetch = (input, init) => {
    const page = input instanceof URL || typeof input === "string" || input instanceof Request
      ? pageOf(input instanceof URL ? input.href : input)
      : null;
    if (page === null) return realFetch(input, init);
    return loadTexts().then((all) => {
      if (!Object.prototype.hasOwnProperty.call(all, page)) return realFetch(input, init);
      const html = `<!doctype html><html><body><div role="main">${render(all[page])}</div></body></html>`;
      return new Response(html, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
    });
  };
})();
