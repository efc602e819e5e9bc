// The map of a province's points of sale (trade/public/points.html).
// The page is a complete list without this script; the map is added when
// Leaflet has loaded and some points have coordinates. Tiles come from the
// server named by the OCOP_MAP_TILE_URL setting; without one the points are
// drawn on a blank background (no request leaves the site).
(function () {
  "use strict";

  function popup(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "#point-" + point.id;
    link.textContent = point.name;
    var strong = document.createElement("strong");
    strong.appendChild(link);
    box.appendChild(strong);
    [point.kind, point.address].forEach(function (text) {
      if (!text) return;
      var line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    });
    return box;
  }

  function draw(element, points) {
    var located = points.filter(function (p) { return isFinite(p.lat) && isFinite(p.lng); });
    if (!located.length) return;
    element.hidden = false;
    var map = window.L.map(element, { scrollWheelZoom: false });
    var tiles = element.dataset.tileUrl;
    if (tiles) {
      window.L.tileLayer(tiles, {
        maxZoom: 18,
        attribution: element.dataset.tileAttribution || "",
      }).addTo(map);
    }
    var bounds = [];
    located.forEach(function (p) {
      window.L.circleMarker([p.lat, p.lng], {
        radius: 8, color: "#14532d", weight: 2, fillColor: "#16a34a", fillOpacity: 0.85,
      }).bindPopup(popup(p)).addTo(map);
      bounds.push([p.lat, p.lng]);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    element.dataset.markers = String(located.length);
  }

  function start() {
    var element = document.getElementById("pos-map");
    if (!element || !window.L || !window.fetch) return;
    fetch(element.dataset.markersUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { points: [] }; })
      .then(function (data) { draw(element, data.points || []); })
      .catch(function () { /* the list below is the page */ });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
