/* WildTrace operation report: draws the charts from the JSON data block.
   Data is read with JSON.parse from a non-executed script tag; nothing here builds HTML
   or code from it (ECharts escapes the labels and tooltips it draws). */
(function () {
  "use strict";
  var source = document.getElementById("ops-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);

  var timeline = echarts.init(document.getElementById("chart-timeline"), null, { renderer: "canvas" });
  timeline.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    grid: { left: 48, right: 16, top: 24, bottom: 40 },
    xAxis: { type: "category", data: data.timeline.map(function (t) { return t.month; }) },
    yAxis: { type: "value", minInterval: 1, name: "seizures" },
    series: [{ type: "bar", name: "Seizures", data: data.timeline.map(function (t) { return t.seizures; }) }]
  });

  var points = data.points;
  var segments = {};
  data.routes.forEach(function (route) {
    var stops = [route.origin].concat(route.transit, [route.destination]);
    for (var i = 0; i + 1 < stops.length; i++) {
      var a = stops[i], b = stops[i + 1];
      if (!points[a] || !points[b] || a === b) { continue; }
      var key = a + ">" + b;
      segments[key] = segments[key] || { from: a, to: b, seizures: 0 };
      segments[key].seizures += route.seizures;
    }
  });
  var lines = Object.keys(segments).sort().map(function (key) {
    var s = segments[key];
    return {
      name: s.from + " \u2192 " + s.to + ": " + s.seizures + " seizures",
      coords: [points[s.from], points[s.to]],
      value: s.seizures,
      lineStyle: { width: Math.min(1 + Math.log(1 + s.seizures) * 1.5, 8) }
    };
  });
  var dots = Object.keys(points).sort().map(function (code) {
    var country = data.by_country[code];
    return { name: code, value: points[code].concat([country ? country.seizures : 0]) };
  });
  var map = echarts.init(document.getElementById("chart-routes"), null, { renderer: "canvas" });
  map.setOption({
    animation: false,
    tooltip: { trigger: "item" },
    grid: { left: 40, right: 16, top: 16, bottom: 32 },
    xAxis: { type: "value", min: -180, max: 180, name: "longitude", splitLine: { show: false } },
    yAxis: { type: "value", min: -60, max: 80, name: "latitude", splitLine: { show: false } },
    series: [
      {
        type: "lines", name: "Routes", coordinateSystem: "cartesian2d", data: lines,
        symbol: ["none", "arrow"], symbolSize: 7, lineStyle: { opacity: 0.6, curveness: 0.2 }
      },
      {
        type: "scatter", name: "Countries", data: dots,
        symbolSize: function (value) { return 6 + Math.min(Math.sqrt(value[2]) * 2, 18); },
        label: { show: true, position: "right", formatter: "{b}", fontSize: 10 }
      }
    ]
  });

  window.addEventListener("resize", function () { timeline.resize(); map.resize(); });
  document.body.setAttribute("data-charts", "ready");
}());
