/*
 * Navigation without false alarms (on every page; added in conf.py).
 *
 * - The revision bar (furo's announcement bar) stays at the top of the window
 *   (manual.css); this measures its height into --manual-bar-height, so that a
 *   heading jumped to lands below it and the sidebars and "Back to top" fit.
 * - The page contents list marks the section in view: the last section whose
 *   heading has passed a reading line a quarter of the way down the visible
 *   part of the window; or the section a link opened, while its heading is on
 *   screen above that line, or anywhere on screen when the page cannot scroll
 *   further.  Furo's own marker (class scroll-current, which marks a
 *   section only once its top reaches the window's top edge, so the one
 *   before while its heading is on screen) is left alone and not shown.
 */
(() => {
  "use strict";

  const root = document.documentElement;

  const furniture = () => {
    // The bottom of what stays at the top of the window: the revision bar, and furo's header on a narrow screen.
    let bottom = 0;
    document.querySelectorAll(".announcement, .mobile-header").forEach((element) => {
      const style = getComputedStyle(element);
      if (style.display === "none" || style.position !== "sticky") return;
      bottom = Math.max(bottom, element.getBoundingClientRect().bottom);
    });
    return Math.max(0, bottom);
  };

  const measure = () => {
    const bar = document.querySelector(".announcement");
    if (bar) root.style.setProperty("--manual-bar-height", `${bar.getBoundingClientRect().height}px`);
  };

  const entries = () =>
    [...document.querySelectorAll(".toc-tree a.reference")].map((link) => {
      const id = decodeURIComponent((link.getAttribute("href") || "").replace(/^#/, ""));
      const section = id ? document.getElementById(id) : null;
      const heading = section && section.querySelector(":scope > h1, :scope > h2, :scope > h3, :scope > h4, :scope > h5, :scope > h6");
      return { link, id, item: link.closest("li"), heading: heading || section };
    });

  let links = [];
  let current = null;

  const update = () => {
    if (links.length === 0) return;
    const top = furniture();
    const line = top + (window.innerHeight - top) / 4;
    let found = links[0];
    links.forEach((entry) => {
      if (entry.heading && entry.heading.getBoundingClientRect().top <= line) found = entry;
    });
    // The section a link opened, while its heading is on screen near the top (a short section's
    // neighbour may pass the line too), or anywhere on screen at the foot of the page (a short last
    // section never reaches the line).
    const atBottom = Math.ceil(window.scrollY + window.innerHeight) >= root.scrollHeight - 2;
    const hash = decodeURIComponent(window.location.hash);
    const opened = links.find((entry) => entry.id && `#${entry.id}` === hash);
    if (opened && opened.heading) {
      const box = opened.heading.getBoundingClientRect();
      if (box.top >= top - 1 && box.bottom <= window.innerHeight && (box.top <= line || atBottom)) found = opened;
    }
    if (found === current) return;
    if (current && current.item) current.item.classList.remove("manual-current");
    if (found.item) found.item.classList.add("manual-current");
    current = found;
  };

  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(() => {
      pending = false;
      update();
    });
  };

  const start = () => {
    measure();
    // The window opened at a heading before the bar was measured: if the bar covers it, show it again.
    const target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target && target.getBoundingClientRect().top < furniture()) target.scrollIntoView({ block: "start", behavior: "instant" });
    const bar = document.querySelector(".announcement");
    if (bar && "ResizeObserver" in window) new ResizeObserver(() => { measure(); schedule(); }).observe(bar);
    links = entries();
    update();
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    window.addEventListener("hashchange", schedule);
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
