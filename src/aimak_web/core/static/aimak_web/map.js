// Draws the GeoJSON that the page names in data-geojson with Leaflet, without any tile server:
// territories as polygons, settlements as circles; the map fits their bounds.
(function () {
  const el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  const pointStyle = (f) => ({
    radius: f.properties.centre ? 6 : 4, color: "#7a1d1d", weight: 1,
    fillColor: f.properties.centre ? "#d62728" : "#f2a541", fillOpacity: 0.9 });
  const map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  fetch(el.dataset.geojson, { credentials: "same-origin" })
    .then((r) => r.json())
    .then((data) => {
      const layer = L.geoJSON(data, {
        style: (f) => (f.geometry && f.geometry.type === "Point" ? pointStyle(f) : {
          color: "#1d4e89", weight: 1.5, fillColor: "#8fb8de",
          fillOpacity: f.properties.url ? 0.35 : 0.25,
          dashArray: f.properties.source === "approximate" ? "4 3" : null }),
        pointToLayer: (f, latlng) => L.circleMarker(latlng, pointStyle(f)),
        onEachFeature: (f, lyr) => {
          const p = f.properties;
          const link = p.url ? `<a href="${p.url}">${p.name}</a>` : p.name;
          lyr.bindTooltip(p.name);
          lyr.bindPopup(link + (p.population ? `<br>${Math.round(p.population)} (${p.source})` : ""));
        },
      }).addTo(map);
      const bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
      el.dataset.ready = "1";
    })
    .catch(() => { el.dataset.ready = "error"; });
})();
