// The scenario editor: the map coloured by new unit; moving a municipality posts the change and
// updates the map, the plan's figures, the violations and the unit table without a reload.
(function () {
  const el = document.getElementById("map");
  const form = document.getElementById("move-form");
  const palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"];
  const colour = (unit) => {
    let h = 0;
    for (const ch of String(unit)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return palette[h % palette.length];
  };
  let unitOf = {};
  const mapping = JSON.parse(document.getElementById("scenario-mapping").textContent);
  mapping.forEach((r) => { unitOf[r.old_code] = r.new_unit; });
  let layer = null;
  if (el && typeof L !== "undefined") {
    const map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    fetch(el.dataset.geojson, { credentials: "same-origin" }).then((r) => r.json()).then((data) => {
      layer = L.geoJSON(data, {
        style: (f) => ({ color: "#333", weight: 0.8, fillOpacity: 0.6,
                         fillColor: colour(unitOf[f.properties.code]) }),
        onEachFeature: (f, lyr) => {
          lyr.bindTooltip(f.properties.name);
          lyr.on("click", () => {
            const sel = document.getElementById("old_code");
            if (sel) sel.value = f.properties.code;
          });
        },
      }).addTo(map);
      const bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [6, 6] });
      else map.setView([41.2, 74.7], 6);
      el.dataset.ready = "1";
    });
  }
  const fmt = (v, digits) => (v === null || v === undefined ? "—" :
    (typeof v === "number" ? v.toLocaleString(document.documentElement.lang,
      { maximumFractionDigits: digits }) : String(v)));
  const render = (data) => {
    unitOf = {};
    data.mapping.forEach((r) => { unitOf[r.old_code] = r.new_unit; });
    if (layer) layer.setStyle((f) => ({ fillColor: colour(unitOf[f.properties.code]) }));
    document.querySelectorAll("#summary dd[data-key]").forEach((dd) => {
      const k = dd.dataset.key;
      const digits = k.startsWith("share") || k === "self_containment" ? 3 : 1;
      dd.textContent = fmt(data.summary[k], k.includes("population") ? 0 : digits);
    });
    const ul = document.getElementById("violations");
    ul.replaceChildren(...(data.violations.length ? data.violations.map((v) => {
      const li = document.createElement("li");
      li.textContent = v.message;
      return li;
    }) : [Object.assign(document.createElement("li"), { textContent: "—" })]));
    const tbody = document.querySelector("#units tbody");
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
      return tr;
    });
    tbody.replaceChildren(...rows);
    const unitSel = document.getElementById("new_unit");
    const keep = unitSel.value;
    const opts = data.units.map((u) => new Option(`${u.name} (${u.n_municipalities})`, u.new_unit));
    opts.push(unitSel.querySelector("option[value='__new__']"));
    unitSel.replaceChildren(...opts);
    unitSel.value = keep;
    document.body.dataset.updated = String(Number(document.body.dataset.updated || 0) + 1);
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
        .catch(() => { err.textContent = "network error"; });
    });
  }
})();
