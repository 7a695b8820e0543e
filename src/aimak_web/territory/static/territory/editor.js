// The scenario editor. The map colours each new unit so that no two neighbouring units share a
// colour (the server's graph colouring), labels units with their centre's name, and says in a
// tooltip which municipality and unit a shape is, with the unit's figures. After each move the
// whole panel (figures, violations, units with their lock buttons, version, versions) is redrawn
// from the JSON the server answers, never patched from what the page believed before.
(function () {
  const el = document.getElementById("map");
  const form = document.getElementById("move-form");
  const words = document.getElementById("map-words")?.dataset || {};
  const lang = document.documentElement.lang;
  // Kyrgyz is written as Russian: decimal comma, thin-space thousands
  const numberLocale = lang === "ky" ? "ru" : lang;
  const fmt = (v, digits) => (v === null || v === undefined ? "—" :
    (typeof v === "number" ? v.toLocaleString(numberLocale,
      { maximumFractionDigits: digits, minimumFractionDigits: 0 }) : String(v)));
  let unitOf = {};
  let units = {};
  let display = {};
  const setMapping = (mapping) => {
    unitOf = {};
    mapping.forEach((r) => { unitOf[r.old_code] = r.new_unit; });
  };
  const setUnits = (list) => {
    units = {};
    list.forEach((u) => { units[u.new_unit] = u; });
  };
  setMapping(JSON.parse(document.getElementById("scenario-mapping").textContent));
  setUnits(JSON.parse(document.getElementById("scenario-units").textContent));

  let map = null;
  let layer = null;
  let labels = null;
  const colourOf = (code) => (display[unitOf[code]] || {}).colour || "#cccccc";
  const tip = (f) => {
    const u = units[unitOf[f.properties.code]] || {};
    const lines = [f.properties.name,
      `${words.unit || ""}: ${u.name || u.centre_name || unitOf[f.properties.code] || "—"}`,
      `${words.population || ""}: ${fmt(u.population, 0)}`,
      `${words.minutes || ""}: ${fmt(u.mean_minutes_to_centre, 1)}`,
      `${words.within || ""}: ${fmt(u.share_within_30_min, 2)}`];
    const div = document.createElement("div");
    lines.forEach((t, i) => {
      const line = document.createElement(i ? "span" : "strong");
      line.textContent = t;
      div.appendChild(line);
      div.appendChild(document.createElement("br"));
    });
    return div;
  };
  // Labels: as many as fit without overlapping, the most populous units first; the others
  // appear as the reader zooms in. A greedy pass over the labels' own boxes (at most a few
  // hundred, so comparing each with those kept is instant; no spatial index needed).
  let order = [];
  const declutter = () => {
    const kept = [];
    order.forEach((t) => {
      const e = t.getElement();
      if (!e) return;
      e.style.visibility = "";
      const r = e.getBoundingClientRect();
      const clash = kept.some((k) => r.left < k.right && k.left < r.right
                                     && r.top < k.bottom && k.top < r.bottom);
      e.style.visibility = clash ? "hidden" : "";
      if (!clash) kept.push(r);
    });
  };
  const drawLabels = () => {
    if (!map) return;
    if (labels) labels.remove();
    labels = L.layerGroup();
    order = Object.entries(display)
      .filter(([, d]) => d.lat !== null && d.lon !== null)
      .sort(([a], [b]) => ((units[b] || {}).population || 0) - ((units[a] || {}).population || 0))
      .map(([unit, d]) => {
        const u = units[unit] || {};
        return L.tooltip({ permanent: true, direction: "center", className: "unit-label",
                           interactive: false })
          .setLatLng([d.lat, d.lon]).setContent(u.centre_name || u.name || unit).addTo(labels);
      });
    labels.addTo(map);
    map.off("zoomend", declutter).on("zoomend", declutter);
    declutter();
  };
  if (el && typeof L !== "undefined") {
    // no fade: labels are redrawn after each move, and a fading old label would lie over its
    // successor for 200 ms
    map = L.map(el, { attributionControl: false, zoomSnap: 0.25, fadeAnimation: false });
    fetch(el.dataset.geojson, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
      display = data.units || {};
      layer = L.geoJSON(data, {
        style: (f) => ({ color: "#333", weight: 0.8, fillOpacity: 0.65,
                         fillColor: colourOf(f.properties.code) }),
        onEachFeature: (f, lyr) => {
          lyr.bindTooltip(() => tip(f), { sticky: true });
          lyr.on("click", () => {
            const sel = document.getElementById("old_code");
            if (sel) sel.value = f.properties.code;
          });
        },
      }).addTo(map);
      const bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [6, 6] });
      else map.setView([41.2, 74.7], 6);
      drawLabels();
      el.dataset.ready = "1";
    });
  }

  const table = document.getElementById("units");
  const csrf = form ? form.querySelector("input[name=csrfmiddlewaretoken]").value : "";
  const lockCell = (unit, locked) => {
    const td = document.createElement("td");
    const f = document.createElement("form");
    f.method = "post";
    f.action = table.dataset.lockUrl;
    const token = Object.assign(document.createElement("input"),
      { type: "hidden", name: "csrfmiddlewaretoken", value: csrf });
    const which = Object.assign(document.createElement("input"),
      { type: "hidden", name: "new_unit", value: unit });
    const button = Object.assign(document.createElement("button"), { type: "submit",
      className: "small", textContent: locked ? table.dataset.unlock : table.dataset.lock });
    button.dataset.testid = `lock-${unit}`;
    f.append(token, which, button);
    td.appendChild(f);
    return td;
  };
  const render = (data) => {
    setMapping(data.mapping);
    setUnits(data.units);
    display = data.display || display;
    if (layer) {
      layer.setStyle((f) => ({ fillColor: colourOf(f.properties.code) }));
      drawLabels();
    }
    document.querySelectorAll("#summary dd[data-key]").forEach((dd) => {
      const k = dd.dataset.key;
      const digits = k.startsWith("share") || k === "self_containment" ? 3 : 1;
      dd.textContent = fmt(data.summary[k], k.includes("population") || k === "units"
        || k === "violations" ? 0 : digits);
    });
    const ul = document.getElementById("violations");
    ul.replaceChildren(...(data.violations.length ? data.violations.map((v) =>
      Object.assign(document.createElement("li"), { className: "violation",
                                                    textContent: v.message }))
      : [Object.assign(document.createElement("li"), { className: "ok",
                                                       textContent: ul.dataset.none })]));
    const locked = new Set(data.locked || []);
    const rows = data.units.map((u) => {
      const tr = document.createElement("tr");
      tr.dataset.unit = u.new_unit;
      [u.name, u.centre_name, fmt(u.n_municipalities, 0), fmt(u.population, 0),
       fmt(u.mean_minutes_to_centre, 1), fmt(u.max_minutes_to_centre, 0),
       fmt(u.share_within_30_min, 2), fmt(u.self_containment, 2), u.violations]
        .forEach((v, i) => {
          const td = document.createElement("td");
          td.textContent = v;
          if (i >= 2 && i <= 7) td.className = "num";
          tr.appendChild(td);
        });
      if (table.dataset.lockUrl) tr.appendChild(lockCell(u.new_unit, locked.has(u.new_unit)));
      return tr;
    });
    table.querySelector("tbody").replaceChildren(...rows);
    const unitSel = document.getElementById("new_unit");
    const keep = unitSel.value;
    const opts = data.units.map((u) => new Option(`${u.name} (${u.n_municipalities})`, u.new_unit));
    opts.push(unitSel.querySelector("option[value='__new__']"));
    unitSel.replaceChildren(...opts);
    unitSel.value = keep;
    if (data.version !== undefined) {
      document.getElementById("version-number").textContent = data.version;
    }
    if (data.versions) {
      document.getElementById("versions").replaceChildren(...data.versions.map((v) =>
        Object.assign(document.createElement("li"), {
          textContent: `v${v.number} · ${v.created} · ${v.author} · ${v.note}` })));
    }
    document.body.dataset.updated = String(Number(document.body.dataset.updated || 0) + 1);
    window.dispatchEvent(new Event("aimak:updated"));
  };
  if (form) {
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const err = document.getElementById("move-error");
      err.textContent = "";
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                           headers: { Accept: "application/json" } })
        .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
        .then(({ ok, body }) => { if (ok) render(body); else err.textContent = body.error; })
        .catch(() => { err.textContent = err.dataset.network; });
    });
  }
})();
