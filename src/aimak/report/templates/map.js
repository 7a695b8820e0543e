/* aimak interactive map: layer switches, pan/zoom on the SVG viewBox, click for indicators.
   Plain JavaScript, no library, no network access. */
(function () {
  "use strict";
  var svg = document.getElementById("map");
  if (!svg) { return; }
  var INFO = JSON.parse(document.getElementById("map-info").textContent);
  var vb0 = svg.getAttribute("viewBox").split(/\s+/).map(Number);
  var vb = vb0.slice();

  // Circles keep their size on screen when zooming (their radius is set for the whole map).
  var circles = Array.prototype.slice.call(svg.querySelectorAll("circle"));
  var radii = circles.map(function (c) { return Number(c.getAttribute("r")); });

  function apply() {
    svg.setAttribute("viewBox", vb.join(" "));
    var k = vb[2] / vb0[2];
    for (var i = 0; i < circles.length; i++) {
      circles[i].setAttribute("r", (radii[i] * k).toFixed(3));
    }
  }

  function toSvg(clientX, clientY) {
    var pt = svg.createSVGPoint();
    pt.x = clientX; pt.y = clientY;
    var m = svg.getScreenCTM();
    return m ? pt.matrixTransform(m.inverse()) : { x: vb[0] + vb[2] / 2, y: vb[1] + vb[3] / 2 };
  }

  function zoom(factor, cx, cy) {
    var w = vb[2] * factor, h = vb[3] * factor;
    if (w > vb0[2] * 4 || w < vb0[2] / 200) { return; }
    vb = [cx - (cx - vb[0]) * factor, cy - (cy - vb[1]) * factor, w, h];
    apply();
  }

  document.querySelectorAll("input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      var g = document.getElementById("layer-" + box.getAttribute("data-layer"));
      if (g) { g.style.display = box.checked ? "" : "none"; }
    });
  });

  document.getElementById("zoom-in").addEventListener("click", function () {
    zoom(0.67, vb[0] + vb[2] / 2, vb[1] + vb[3] / 2);
  });
  document.getElementById("zoom-out").addEventListener("click", function () {
    zoom(1.5, vb[0] + vb[2] / 2, vb[1] + vb[3] / 2);
  });
  document.getElementById("zoom-reset").addEventListener("click", function () {
    vb = vb0.slice(); apply();
  });
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = toSvg(ev.clientX, ev.clientY);
    zoom(ev.deltaY < 0 ? 0.8 : 1.25, p.x, p.y);
  }, { passive: false });

  var drag = null, moved = false;
  svg.addEventListener("pointerdown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, vb: vb.slice() }; moved = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) { return; }
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { moved = true; svg.classList.add("dragging"); }
    if (!moved) { return; }
    var r = svg.getBoundingClientRect();
    var s = Math.max(drag.vb[2] / r.width, drag.vb[3] / r.height);
    vb = [drag.vb[0] - dx * s, drag.vb[1] - dy * s, drag.vb[2], drag.vb[3]];
    apply();
  });
  window.addEventListener("pointerup", function () { drag = null; svg.classList.remove("dragging"); });

  var panel = document.getElementById("info");
  var selected = null;
  function show(layer, i) {
    var item = (INFO[layer] || [])[i];
    if (!item) { return; }
    panel.textContent = "";
    var h = document.createElement("h3");
    h.textContent = item.title;
    panel.appendChild(h);
    var table = document.createElement("table");
    item.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      row.forEach(function (cell) {
        var td = document.createElement("td");
        td.textContent = cell;
        tr.appendChild(td);
      });
      table.appendChild(tr);
    });
    panel.appendChild(table);
  }
  svg.addEventListener("click", function (ev) {
    if (moved) { moved = false; return; }
    var el = ev.target.closest("[data-i]");
    if (!el) { return; }
    var g = el.closest("g.layer");
    select(g.getAttribute("data-layer"), Number(el.getAttribute("data-i")));
  });
  function select(layer, i) {
    var el = document.querySelector("#layer-" + layer + " [data-i='" + i + "']");
    if (!el) { return; }
    if (selected) { selected.classList.remove("selected"); }
    selected = el; el.classList.add("selected");
    show(layer, i);
    return el;
  }

  // Find a settlement by name: zoom to it and show its indicators.
  var find = document.getElementById("find");
  var names = (INFO.settlements || []).map(function (item) { return item.title; });
  var list = document.getElementById("settlement-names");
  names.slice().sort().forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    list.appendChild(option);
  });
  find.addEventListener("change", function () {
    var i = names.indexOf(find.value.trim());
    if (i < 0) { return; }
    var el = select("settlements", i);
    if (!el) { return; }
    var cx = Number(el.getAttribute("cx")), cy = Number(el.getAttribute("cy"));
    var w = vb0[2] / 8, h = vb0[3] / 8;
    vb = [cx - w / 2, cy - h / 2, w, h];
    apply();
  });

  window.aimakMap = { show: show, select: select, info: INFO };
})();
