/* A tei-tools edition page: what needs a script beyond the viewer. */
(function () {
  "use strict";
  var onDisk = location.protocol === "file:";
  /* The citation names the page's own address when no base URL was configured. */
  var cite = document.querySelector(".cite-url");
  if (cite && !onDisk && !/^https?:/.test(cite.getAttribute("href"))) {
    cite.textContent = cite.href = location.href.split("#")[0];
  }
  /* Search needs HTTP: say so where it is offered, when the site is opened from disk. */
  if (onDisk) {
    document.querySelectorAll(".quick-search, #search-form").forEach(function (form) {
      var note = document.createElement("p");
      note.className = "file-note";
      note.setAttribute("role", "note");
      note.textContent = "Search needs the site to be served over HTTP: run " +
        "\u201ctei-tools serve\u201d on the site folder and open the address it prints.";
      form.insertAdjacentElement("afterend", note);
    });
  }
})();
