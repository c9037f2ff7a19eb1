// The report's interactive coordination graph (cytoscape.js, inlined beside this script).
// Zoom and pan with the mouse; hover a node for its handle, cluster, score and reasons;
// click a node or a legend entry to highlight its cluster (click the background to reset);
// type in the search box to find handles.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var box = document.getElementById("cy");
  var tip = document.getElementById("cy-tip");
  var info = document.getElementById("cy-info");
  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: n, position: { x: n.x, y: n.y } });
  });
  data.edges.forEach(function (e, i) {
    elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight } });
  });
  var cy = cytoscape({
    container: box,
    elements: elements,
    layout: { name: "preset", fit: true, padding: 20 },
    minZoom: 0.05,
    maxZoom: 8,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", width: 9, height: 9, "border-width": 0,
        label: "", "font-size": 9, color: "#222", "text-valign": "top",
        "min-zoomed-font-size": 6 } },
      { selector: "node[?flagged]", style: { width: 12, height: 12, "border-width": 1, "border-color": "#333" } },
      { selector: "edge", style: { width: 0.6, "line-color": "#b8bec6", opacity: 0.5 } },
      { selector: ".faded", style: { opacity: 0.08 } },
      { selector: "node.highlight", style: { label: "data(label)" } },
      { selector: "node.found", style: {
        label: "data(label)", width: 22, height: 22, "border-width": 3,
        "border-color": "#000", "font-size": 14, "font-weight": "bold", "z-index": 10 } }
    ]
  });
  window.cibgraphCy = cy;

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = String(text);
    return div.innerHTML;
  }
  // fit the view to `eles`, never closer than 2x (a single node would fill the view)
  function focus(eles) {
    cy.stop();
    cy.fit(eles, 60);
    if (cy.zoom() > 2) { cy.zoom({ level: 2, renderedPosition: { x: box.clientWidth / 2, y: box.clientHeight / 2 } }); cy.center(eles); }
  }
  function reset() {
    cy.elements().removeClass("faded highlight found");
    info.textContent = data.shown + " accounts and pages shown" +
      (data.shown < data.total ? " (the " + data.shown + " most connected of " + data.total + ")" : "");
  }
  function highlightCluster(index) {
    var members = cy.nodes().filter(function (n) { return n.data("cluster") === index; });
    cy.elements().addClass("faded").removeClass("highlight found");
    members.removeClass("faded").addClass("highlight");
    members.edgesWith(members).removeClass("faded");
    info.textContent = "cluster " + index + ": " + members.length + " shown";
    focus(members);
    box.setAttribute("data-highlighted", String(index));
  }
  cy.on("mouseover", "node", function (event) {
    var n = event.target.data();
    tip.innerHTML = "<b>" + escape(n.label) + "</b><br>cluster " + n.cluster +
      (n.flagged ? " (flagged)" : "") + ", score " + n.score.toFixed(3) +
      "<br>" + escape(n.reasons || "");
    var p = event.renderedPosition;
    tip.style.left = (p.x + 14) + "px";
    tip.style.top = (p.y + 14) + "px";
    tip.style.display = "block";
  });
  cy.on("mouseout", "node", function () { tip.style.display = "none"; });
  cy.on("tap", "node", function (event) { highlightCluster(event.target.data("cluster")); });
  cy.on("tap", function (event) {
    if (event.target === cy) { reset(); cy.fit(undefined, 20); box.removeAttribute("data-highlighted"); }
  });
  document.querySelectorAll("[data-cluster]").forEach(function (button) {
    button.addEventListener("click", function () {
      highlightCluster(Number(button.getAttribute("data-cluster")));
    });
  });
  var search = document.getElementById("cy-search");
  search.addEventListener("input", function () {
    var text = search.value.trim().toLowerCase();
    reset();
    if (!text) { box.setAttribute("data-found", "0"); cy.fit(undefined, 20); return; }
    var found = cy.nodes().filter(function (n) {
      return n.data("label").toLowerCase().indexOf(text) !== -1;
    });
    cy.elements().addClass("faded");
    found.removeClass("faded").addClass("found");
    info.textContent = found.length + " match" + (found.length === 1 ? "" : "es") + " for \u201c" + search.value.trim() + "\u201d";
    box.setAttribute("data-found", String(found.length));
    if (found.length) { focus(found); }
  });
  reset();
  box.setAttribute("data-nodes", String(cy.nodes().length));
})();
