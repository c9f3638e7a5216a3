// A network as a graph (cytoscape.js, vendored). The data comes as JSON from the API; every label
// is set as text by cytoscape (canvas), never as HTML. A large network opens on its key accounts;
// clicking an account adds its neighbours; clicking a link shows why the accounts are linked.
"use strict";
(function () {
  var box = document.getElementById("graph");
  if (!box || typeof cytoscape === "undefined") { return; }
  var status = document.getElementById("graph-status");
  var side = document.getElementById("selected");
  // up to this many accounts are all drawn at once; beyond, the key accounts first
  var OPEN_ALL_UP_TO = parseInt(box.getAttribute("data-open-all") || "60", 10);
  var byId = {};
  var neighbours = {};
  var edges = [];
  var cy = null;

  function say(text) { status.textContent = text; }

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }

  function accountHref(node) {
    return "/accounts/" + encodeURIComponent(node.platform || "unknown") + "/" + encodeURIComponent(node.seller);
  }

  function nodeElement(node) {
    var label = node.seller || node.id;
    if (label.length > 28) { label = label.slice(0, 27) + "…"; }
    if (node.seller && node.platform) {  // one seller name on two platforms: two accounts
      label += "\n" + (node.platform.length > 24 ? node.platform.slice(0, 23) + "…" : node.platform);
    }
    return { group: "nodes", data: { id: node.id, label: label, key: node.key ? 1 : 0,
      size: 18 + Math.min(30, 4 * (node.degree || 0)) } };
  }

  function edgeElement(edge, index) {
    return { group: "edges", data: { id: "e" + index, source: edge.source, target: edge.target,
      reasons: edge.reasons } };
  }

  function addNodes(ids) {
    var added = [];
    ids.forEach(function (id) {
      if (cy.getElementById(id).empty() && byId[id]) { added.push(nodeElement(byId[id])); }
    });
    cy.add(added);
    var present = {};
    cy.nodes().forEach(function (n) { present[n.id()] = true; });
    var newEdges = [];
    edges.forEach(function (edge, index) {
      if (present[edge.source] && present[edge.target] && cy.getElementById("e" + index).empty()) {
        newEdges.push(edgeElement(edge, index));
      }
    });
    cy.add(newEdges);
    return added.length;
  }

  function layout(first) {
    if (cy.nodes().length > 300) {  // many accounts: rings by number of links, drawn at once
      cy.layout({ name: "concentric", animate: false, fit: true, padding: 20, minNodeSpacing: 4,
        concentric: function (node) { return node.degree(); }, levelWidth: function () { return 2; } }).run();
    } else {
      cy.layout({ name: "cose", animate: false, randomize: !!first, fit: true, padding: 40,
        nodeDimensionsIncludeLabels: true, nodeRepulsion: function () { return 12000; },
        idealEdgeLength: function () { return 90; } }).run();
    }
    if (cy.zoom() > 1.1) { cy.zoom(1.1); cy.center(); }  // a small network: labels stay readable
    say(cy.nodes().length + " of " + Object.keys(byId).length + " accounts shown");
  }

  function placeAround(centre, ids) {
    // new neighbours start on a circle around the account they hang on, then the layout settles
    var at = cy.getElementById(centre).position();
    ids.forEach(function (id, index) {
      var angle = 2 * Math.PI * index / Math.max(1, ids.length);
      cy.getElementById(id).position({ x: at.x + 90 * Math.cos(angle), y: at.y + 90 * Math.sin(angle) });
    });
  }

  function showNode(node) {
    side.textContent = "";
    side.classList.remove("muted");
    var title = document.createElement("h3");
    if (node.seller) {
      var link = text("a", node.seller);
      link.setAttribute("href", accountHref(node));
      title.appendChild(link);
    } else {
      title.textContent = node.id;
    }
    side.appendChild(title);
    side.appendChild(text("p", (node.platform || "no platform") + " · " + node.listings.length +
      " listing(s) · " + (node.degree || 0) + " link(s)" + (node.key ? " · key account" : ""), "muted"));
    if (node.commodities.length) { side.appendChild(text("p", node.commodities.join(", "))); }
    var hidden = (neighbours[node.id] || []).filter(function (id) { return cy.getElementById(id).empty(); });
    side.appendChild(text("p", hidden.length ? hidden.length + " neighbour(s) added" : "All neighbours shown.", "muted"));
  }

  function showEdge(data) {
    side.textContent = "";
    side.classList.remove("muted");
    side.appendChild(text("h3", "Why linked"));
    side.appendChild(text("p", data.source + " — " + data.target, "muted"));
    var list = document.createElement("ul");
    data.reasons.forEach(function (reason) { list.appendChild(text("li", reason)); });
    side.appendChild(list);
    var judgeUrl = box.getAttribute("data-judge");
    if (!judgeUrl) { return; }
    var result = text("p", "Your judgement applies from the next linking on.", "muted");
    ["confirm", "reject"].forEach(function (verdict) {
      var button = text("button", verdict === "confirm" ? "Confirm the link" : "Reject the link", "secondary");
      button.type = "button";
      button.setAttribute("data-verdict", verdict);
      button.addEventListener("click", function () {
        var body = new URLSearchParams();
        body.set("first", data.source);
        body.set("second", data.target);
        body.set("verdict", verdict);
        fetch(judgeUrl, { method: "POST", credentials: "same-origin", body: body, redirect: "error",
          headers: { "X-CSRF-Token": window.wildtrace.csrfToken(), "Accept": "application/json" } })
          .then(function (response) {
            if (!response.ok) { throw new Error("HTTP " + response.status); }
            result.textContent = "Recorded: " + verdict + " (applies from the next linking on).";
          })
          .catch(function (error) { result.textContent = "Not recorded: " + error.message; });
      });
      side.appendChild(button);
      side.appendChild(document.createTextNode(" "));
    });
    side.appendChild(result);
  }

  function applyFilter(commodity) {
    cy.nodes().forEach(function (n) {
      var node = byId[n.id()];
      var keep = !commodity || node.commodities.indexOf(commodity) >= 0;
      n.toggleClass("faded", !keep);
    });
  }

  fetch(box.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    })
    .then(function (network) {
      network.nodes.forEach(function (node) { byId[node.id] = node; neighbours[node.id] = []; });
      edges = network.edges;
      edges.forEach(function (edge) {
        neighbours[edge.source].push(edge.target);
        neighbours[edge.target].push(edge.source);
      });
      cy = cytoscape({
        container: box,
        elements: [],
        wheelSensitivity: 0.3,
        style: [
          { selector: "node", style: { "label": "data(label)", "width": "data(size)", "height": "data(size)",
            "background-color": "#5b8fa8", "font-size": 12, "color": "#1d2430", "text-valign": "bottom",
            "text-margin-y": 3, "text-wrap": "wrap", "text-max-width": 160 } },
          { selector: "node[key = 1]", style: { "background-color": "#b3261e" } },
          { selector: "node:selected", style: { "border-width": 3, "border-color": "#1f6f5c" } },
          { selector: "node.faded", style: { "opacity": 0.2 } },
          { selector: "edge", style: { "width": 1.5, "line-color": "#9aa7b4", "curve-style": "haystack" } },
          { selector: "edge:selected", style: { "line-color": "#1f6f5c", "width": 3 } }
        ]
      });
      var all = Object.keys(byId);
      var first = all.length <= OPEN_ALL_UP_TO ? all : network.nodes.filter(function (n) { return n.key; })
        .map(function (n) { return n.id; });
      if (!first.length) { first = all.slice(0, OPEN_ALL_UP_TO); }
      addNodes(first);
      layout(true);
      cy.on("tap", "node", function (event) {
        var id = event.target.id();
        showNode(byId[id]);
        var hidden = (neighbours[id] || []).filter(function (other) { return cy.getElementById(other).empty(); });
        if (addNodes(hidden)) { placeAround(id, hidden); layout(false); }
      });
      cy.on("tap", "edge", function (event) { showEdge(event.target.data()); });
      document.getElementById("show-all").addEventListener("click", function () {
        say("Drawing " + all.length + " accounts…");
        window.setTimeout(function () { addNodes(all); layout(true); }, 0);
      });
      document.getElementById("fit").addEventListener("click", function () { cy.fit(); });
      document.getElementById("commodity-filter").addEventListener("change", function (event) {
        applyFilter(event.target.value);
      });
      box.wildtraceGraph = cy;  // for the browser tests: which nodes are drawn, where
      box.setAttribute("data-ready", "1");
    })
    .catch(function (error) { say("Could not load the network: " + error.message); });
})();
