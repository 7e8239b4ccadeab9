/* Easy-read handouts in HTML (_ext/handout_sheet.py adds this file):
   - a "Print handout" button before each handout.  A page with a handout prints only its handout,
     on A4 with 15 mm margins (manual.css, print), so the button opens the browser's print dialogue;
     it needs no network and never prints itself;
   - the printed width of each diagram in a handout (--handout-diagram-width): 1.17 times its drawn
     size, so that its 16 px labels print at 14 pt, but never taller than 22 cm or wider than 18 cm,
     so that it fits on one sheet. */
(function () {
  "use strict";
  var PX_PER_CM = 96 / 2.54;
  function addButtons() {
    document.querySelectorAll("section.handout").forEach(function (handout) {
      var before = handout.previousElementSibling;
      if (before && before.classList.contains("print-handout")) return;
      var bar = document.createElement("div");
      bar.className = "print-handout";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "print-handout-button";
      button.textContent = "Print handout";
      button.addEventListener("click", function () { window.print(); });
      var note = document.createElement("span");
      note.className = "print-handout-note";
      note.textContent = "Prints this handout only, on A4 paper, without the rest of the page.";
      bar.appendChild(button);
      bar.appendChild(note);
      handout.parentNode.insertBefore(bar, handout);
    });
  }
  function sizeDiagrams() {
    document.querySelectorAll("section.handout .mermaid-diagram svg").forEach(function (svg) {
      var box = svg.viewBox && svg.viewBox.baseVal;
      if (!box || !box.width || !box.height) return;
      var scale = Math.min(1.17, 22 * PX_PER_CM / box.height, 18 * PX_PER_CM / box.width);
      svg.style.setProperty("--handout-diagram-width", (box.width * scale).toFixed(1) + "px");
    });
  }
  function start() { addButtons(); sizeDiagrams(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
