/* The facsimile viewer of a tei-tools edition page: zoom and pan, the page image
   following the reader's scroll, text and zones outlining each other. No framework. */
(function () {
  "use strict";
  var section = document.getElementById("facsimile");
  if (!section) return;
  var pages = Array.prototype.slice.call(section.querySelectorAll(".fx-page"));
  var status = section.querySelector(".fx-status");
  var main = document.getElementById("text");
  var current = 0;
  var views = pages.map(function (page) {
    var svg = page.querySelector("svg");
    var box = svg.viewBox.baseVal;
    return { page: page, svg: svg, full: [box.x, box.y, box.width, box.height],
             at: [box.x, box.y, box.width, box.height] };
  });

  function draw(view) {
    view.svg.setAttribute("viewBox", view.at.join(" "));
  }
  function show(n, keepFocus) {
    if (n < 0 || n >= pages.length) return;
    current = n;
    pages.forEach(function (page, i) { page.hidden = i !== n; });
    status.textContent = "Page image " + (n + 1) + " of " + pages.length;
  }
  function zoom(factor, cx, cy) {
    var v = views[current], a = v.at, f = v.full;
    var w = Math.min(f[2], Math.max(f[2] / 20, a[2] * factor));
    var h = w * f[3] / f[2];
    if (cx === undefined) { cx = a[0] + a[2] / 2; cy = a[1] + a[3] / 2; }
    v.at = [cx - (cx - a[0]) * (w / a[2]), cy - (cy - a[1]) * (h / a[3]), w, h];
    clamp(v); draw(v);
  }
  function pan(dx, dy) {
    var v = views[current];
    v.at[0] += dx * v.at[2]; v.at[1] += dy * v.at[3];
    clamp(v); draw(v);
  }
  function clamp(v) {
    var a = v.at, f = v.full;
    a[0] = Math.min(Math.max(a[0], f[0]), f[0] + f[2] - a[2]);
    a[1] = Math.min(Math.max(a[1], f[1]), f[1] + f[3] - a[3]);
  }
  function fit() { var v = views[current]; v.at = v.full.slice(); draw(v); }

  section.querySelector(".fx-toolbar").addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var act = button.getAttribute("data-fx");
    if (act === "prev") show(current - 1);
    else if (act === "next") show(current + 1);
    else if (act === "zoom-in") zoom(0.8);
    else if (act === "zoom-out") zoom(1.25);
    else if (act === "fit") fit();
  });
  section.addEventListener("keydown", function (event) {
    if (!event.target.classList || !event.target.classList.contains("fx-stage")) return;
    var keys = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] };
    if (keys[event.key]) { pan(keys[event.key][0], keys[event.key][1]); }
    else if (event.key === "+" || event.key === "=") { zoom(0.8); }
    else if (event.key === "-" || event.key === "−") { zoom(1.25); }
    else if (event.key === "0") { fit(); }
    else if (event.key === "PageDown") { show(current + 1); }
    else if (event.key === "PageUp") { show(current - 1); }
    else return;
    event.preventDefault();
  });
  views.forEach(function (v) {
    var drag = null;
    v.svg.addEventListener("wheel", function (event) {
      if (!event.ctrlKey && !event.metaKey) return;  // plain wheel scrolls the page
      event.preventDefault();
      var p = point(v, event);
      zoom(event.deltaY < 0 ? 0.85 : 1 / 0.85, p[0], p[1]);
    }, { passive: false });
    v.svg.addEventListener("pointerdown", function (event) {
      if (event.target.classList.contains("fx-zone")) return;
      drag = [event.clientX, event.clientY];
      v.svg.setPointerCapture(event.pointerId);
    });
    v.svg.addEventListener("pointermove", function (event) {
      if (!drag) return;
      var r = v.svg.getBoundingClientRect();
      pan(-(event.clientX - drag[0]) / r.width, -(event.clientY - drag[1]) / r.height);
      drag = [event.clientX, event.clientY];
    });
    v.svg.addEventListener("pointerup", function () { drag = null; });
    var image = v.svg.querySelector("image");
    if (image) {
      /* A probe: the svg image may have failed before this script ran. It also gives
         an image only a pb names its size. */
      var probe = new Image();
      probe.onerror = function () {
        var missing = v.page.querySelector(".fx-missing");
        missing.textContent = "The page image " + image.getAttribute("data-name") +
          " is missing; the outlines show where the text lies on the page.";
        missing.hidden = false;
        v.page.classList.add("fx-no-image");
      };
      probe.onload = function () {
        if (v.page.hasAttribute("data-unsized")) {
          v.full = [0, 0, probe.naturalWidth, probe.naturalHeight];
          image.setAttribute("width", probe.naturalWidth);
          image.setAttribute("height", probe.naturalHeight);
          fit();
        }
      };
      probe.src = image.getAttribute("href");
    }
  });
  function point(v, event) {
    var r = v.svg.getBoundingClientRect(), a = v.at;
    return [a[0] + (event.clientX - r.left) / r.width * a[2],
            a[1] + (event.clientY - r.top) / r.height * a[3]];
  }

  /* Text and zones. */
  function zonesOn(ids) {
    section.querySelectorAll(".fx-zone.fx-on").forEach(function (z) { z.classList.remove("fx-on"); });
    var first = null;
    ids.forEach(function (id) {
      var zone = document.getElementById("zone-" + id);
      if (zone) { zone.classList.add("fx-on"); first = first || zone; }
    });
    if (!first) return;
    var page = first.closest(".fx-page");
    show(pages.indexOf(page));
    var v = views[current], b = first.getBBox();
    if (v.at[2] < v.full[2]) {  // zoomed in: bring the zone into view
      v.at[0] = b.x + b.width / 2 - v.at[2] / 2; v.at[1] = b.y + b.height / 2 - v.at[3] / 2;
      clamp(v); draw(v);
    }
  }
  function textOn(element) {
    main.querySelectorAll(".fx-text-on").forEach(function (e) { e.classList.remove("fx-text-on"); });
    element.classList.add("fx-text-on");
  }
  function lineAt(node, block) {
    /* The last line mark before node inside block, else the block's first line. */
    var marks = block.querySelectorAll(".ln"), found = null;
    for (var i = 0; i < marks.length; i++) {
      if (marks[i].compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) found = marks[i];
    }
    return found ? found.getAttribute("data-zone") : block.getAttribute("data-first-zone");
  }
  main.addEventListener("click", function (event) {
    if (event.target.closest("a")) return;
    var block = event.target.closest("[data-facs]");
    if (!block) return;
    var node = event.target, range = null;
    if (document.caretRangeFromPoint) range = document.caretRangeFromPoint(event.clientX, event.clientY);
    if (range && block.contains(range.startContainer)) node = range.startContainer;
    var line = lineAt(node, block);
    textOn(block);
    zonesOn(line ? [line] : block.getAttribute("data-facs").split(" "));
  });
  main.addEventListener("focusin", function (event) {
    var block = event.target.closest && event.target.closest("[data-facs]");
    if (block) { textOn(block); zonesOn(block.getAttribute("data-facs").split(" ")); }
  });
  section.addEventListener("click", function (event) {
    var zone = event.target.closest(".fx-zone");
    if (!zone) return;
    var id = zone.getAttribute("data-zone");
    zonesOn([id]);
    var mark = main.querySelector('.ln[data-zone="' + id + '"]');
    var block = mark ? mark.closest("[data-facs]") :
      main.querySelector('[data-first-zone="' + id + '"]') ||
      Array.prototype.find.call(main.querySelectorAll("[data-facs]"), function (b) {
        return b.getAttribute("data-facs").split(" ").indexOf(id) >= 0;
      });
    if (block) { textOn(block); (mark || block).scrollIntoView({ block: "center" }); }
  });

  /* The page image follows the reader's scroll. */
  var breaks = Array.prototype.slice.call(main.querySelectorAll(".pb[data-surface]"));
  var ticking = false;
  function follow() {
    ticking = false;
    var line = window.innerHeight * 0.4, surface = null;
    breaks.forEach(function (pb) { if (pb.getBoundingClientRect().top < line) surface = pb.getAttribute("data-surface"); });
    var n = surface ? pages.findIndex(function (p) { return p.getAttribute("data-surface") === surface; }) : 0;
    if (n >= 0 && n !== current) show(n);
  }
  window.addEventListener("scroll", function () {
    if (!ticking) { ticking = true; window.requestAnimationFrame(follow); }
  }, { passive: true });
  show(0);
})();
