/* netkit network maps: draws every .netkit-map on the page with vis-network.
   Positions come from netkit's seeded layout; physics stays off unless the reader asks to relax
   the layout, and then stops once it has settled. Names reach the page only as data: labels are
   drawn on the canvas and tooltips are set as text, never as markup. */
(function () {
  "use strict";
  function rows(columns) {
    // The page carries nodes and edges as columns (a list per field); vis wants rows.
    var fields = Object.keys(columns);
    var n = fields.length ? columns[fields[0]].length : 0;
    var out = new Array(n);
    for (var i = 0; i < n; i++) {
      var row = {};
      for (var f = 0; f < fields.length; f++) { row[fields[f]] = columns[fields[f]][i]; }
      out[i] = row;
    }
    return out;
  }
  function setup(root) {
    var data = JSON.parse(root.querySelector("script.nk-data").textContent);
    data.nodes = rows(data.nodes);
    data.edges = rows(data.edges);
    var scheme = data.colour_by;
    var scale = Math.max(350, 55 * Math.sqrt(data.nodes.length));
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    function look(n) {
      var c = n["colour_" + scheme] || n.colour_type || "#BBBBBB";
      return {id: n.id, color: {background: c, border: "#425563",
                                highlight: {background: c, border: "#212B32"},
                                hover: {background: c, border: "#212B32"}},
              borderWidth: n.tier === "core" ? 3 : 1};
    }
    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      var item = look(n);
      item.label = n.label; item.title = n.tooltip; item.shape = n.shape; item.size = n.size;
      item.x = n.x * scale; item.y = n.y * scale;
      return item;
    }));
    var edges = new vis.DataSet(data.edges.map(function (e, i) {
      return {id: i, from: e.source, to: e.target, width: e.width, title: e.tooltip,
              dashes: e.dashed, arrows: e.kind === "provides" ? "" : "to",
              color: {color: "#768692", highlight: "#212B32", hover: "#212B32", opacity: 0.55}};
    }));
    var big = data.nodes.length > 500;
    var network = new vis.Network(root.querySelector(".nk-canvas"), {nodes: nodes, edges: edges}, {
      autoResize: true,
      physics: {enabled: false, solver: "forceAtlas2Based", stabilization: false},
      layout: {randomSeed: data.seed, improvedLayout: false},
      interaction: {hover: !big, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big},
      nodes: {font: {size: 12, face: "Arial", color: "#212B32"}},
      edges: {smooth: false, arrows: {to: {scaleFactor: 0.5}}}
    });
    var status = root.querySelector(".nk-status");
    function shown() {
      return nodes.get({filter: function (n) { return !n.hidden; }}).length;
    }
    function report() {
      var count = shown();
      root.setAttribute("data-shown", String(count));
      status.textContent = count + " of " + data.nodes.length + " nodes shown" +
        (root.getAttribute("data-physics") === "on" ? "; relaxing the layout" : "");
    }
    function applyFilters() {
      var hidden = {};
      root.querySelectorAll(".nk-filter-box").forEach(function (box) {
        if (!box.checked) {
          hidden[box.getAttribute("data-field")] = hidden[box.getAttribute("data-field")] || {};
          hidden[box.getAttribute("data-field")][box.value] = true;
        }
      });
      nodes.update(data.nodes.map(function (n) {
        var hide = false;
        Object.keys(hidden).forEach(function (field) { if (hidden[field][n[field]]) { hide = true; } });
        return {id: n.id, hidden: hide};
      }));
      report();
    }
    root.querySelectorAll(".nk-filter-box").forEach(function (box) {
      box.addEventListener("change", applyFilters);
    });
    var scheme_select = root.querySelector(".nk-scheme");
    function showLegend() {
      root.querySelectorAll(".nk-legend").forEach(function (legend) {
        legend.hidden = legend.getAttribute("data-scheme") !== scheme;
      });
    }
    if (scheme_select) {
      scheme_select.addEventListener("change", function () {
        scheme = scheme_select.value;
        nodes.update(data.nodes.map(look));
        showLegend();
      });
    }
    showLegend();
    var search = root.querySelector(".nk-search");
    var found = root.querySelector(".nk-found");
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      if (!q) { network.unselectAll(); found.textContent = ""; return; }
      var ids = data.nodes.filter(function (n) {
        var name = n.tooltip.split("\n")[0];
        return (name + " " + n.id).toLowerCase().indexOf(q) >= 0 && !nodes.get(n.id).hidden;
      }).map(function (n) { return n.id; });
      network.selectNodes(ids);
      found.textContent = ids.length + (ids.length === 1 ? " match" : " matches");
      if (ids.length) { network.fit({nodes: ids, animation: false}); }
    });
    root.querySelector(".nk-fit").addEventListener("click", function () {
      network.fit({animation: false});
    });
    root.querySelector(".nk-relax").addEventListener("click", function () {
      root.setAttribute("data-physics", "on");
      report();
      network.setOptions({physics: {enabled: true}});
      network.stabilize(big ? 50 : 300);
    });
    function settle() {
      if (root.getAttribute("data-physics") !== "on") { return; }
      network.stopSimulation();
      network.setOptions({physics: {enabled: false}});
      root.setAttribute("data-physics", "off");
      report();
    }
    // A bounded number of iterations, then stop, whether or not every node has come to rest.
    network.on("stabilizationIterationsDone", settle);
    network.on("stabilized", settle);
    network.once("afterDrawing", function () {
      root.setAttribute("data-rendered", "true");
      report();
    });
    window.netkitMaps = window.netkitMaps || [];
    window.netkitMaps.push({root: root, network: network, nodes: nodes, edges: edges});
  }
  document.querySelectorAll(".netkit-map").forEach(setup);
})();
