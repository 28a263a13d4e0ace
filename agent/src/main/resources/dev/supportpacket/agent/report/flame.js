// Flame graph of the packet's sanitized CPU samples. Data: {"names":[...],"root":[nameIndex,samples,[children]]}.
// Names are drawn on a canvas and shown through textContent: no frame name ever becomes markup.
(function () {
  "use strict";
  function draw(holder) {
    var data = JSON.parse(document.getElementById(holder.getAttribute("data-source")).textContent);
    var names = data.names, root = data.root, total = root[1];
    var canvas = document.createElement("canvas"), tip = document.createElement("div");
    var search = document.createElement("input"), reset = document.createElement("button");
    search.placeholder = "highlight frames containing…";
    reset.textContent = "reset zoom";
    tip.className = "fg-tip";
    tip.textContent = "hover a frame; click to zoom";
    holder.appendChild(search);
    holder.appendChild(reset);
    holder.appendChild(tip);
    holder.appendChild(canvas);
    var ROW = 16, rects = [], zoom = root, zoomStart = 0, term = "";
    function depthOf(node) {
      var d = 0, kids = node[2] || [];
      for (var i = 0; i < kids.length; i++) d = Math.max(d, depthOf(kids[i]));
      return d + 1;
    }
    function color(name, hit) {
      if (hit) return "#e040fb";
      var h = 0;
      for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
      var java = name.indexOf("java.") === 0 || name.indexOf("jdk.") === 0 || name.indexOf("sun.") === 0;
      return java ? "hsl(" + (20 + (h & 15)) + ",70%," + (60 + (h >>> 8 & 15)) + "%)"
                  : "hsl(" + (35 + (h & 20)) + ",85%," + (55 + (h >>> 8 & 15)) + "%)";
    }
    function render() {
      var width = holder.clientWidth || 800;
      var depth = depthOf(zoom);
      canvas.width = width;
      canvas.height = depth * ROW;
      var ctx = canvas.getContext("2d");
      ctx.font = "11px sans-serif";
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      rects = [];
      var scale = width / zoom[1];
      (function walk(node, x, level) {
        var w = node[1] * scale;
        if (w < 0.5) return;
        var name = names[node[0]], y = level * ROW;
        var hit = term !== "" && name.toLowerCase().indexOf(term) >= 0;
        ctx.fillStyle = color(name, hit);
        ctx.fillRect(x, y, Math.max(w - 1, 0.5), ROW - 1);
        if (w > 30) {
          ctx.fillStyle = "#000";
          ctx.save();
          ctx.beginPath();
          ctx.rect(x, y, w - 2, ROW);
          ctx.clip();
          ctx.fillText(name, x + 3, y + 12);
          ctx.restore();
        }
        rects.push([x, y, w, node]);
        var kids = node[2] || [], cx = x;
        for (var i = 0; i < kids.length; i++) {
          walk(kids[i], cx, level + 1);
          cx += kids[i][1] * scale;
        }
      })(zoom, 0, 0);
    }
    function at(ev) {
      var b = canvas.getBoundingClientRect(), x = ev.clientX - b.left, y = ev.clientY - b.top;
      for (var i = rects.length - 1; i >= 0; i--) {
        var r = rects[i];
        if (x >= r[0] && x <= r[0] + r[2] && y >= r[1] && y < r[1] + ROW) return r[3];
      }
      return null;
    }
    canvas.addEventListener("mousemove", function (ev) {
      var n = at(ev);
      if (n) tip.textContent = names[n[0]] + " — " + n[1] + " samples (" + (100 * n[1] / total).toFixed(1) + " %)";
    });
    canvas.addEventListener("click", function (ev) {
      var n = at(ev);
      if (n) { zoom = n; render(); }
    });
    reset.addEventListener("click", function () { zoom = root; render(); });
    search.addEventListener("input", function () { term = search.value.toLowerCase(); render(); });
    window.addEventListener("resize", render);
    render();
  }
  var holders = document.querySelectorAll(".flamegraph");
  for (var i = 0; i < holders.length; i++) {
    var note = holders[i].querySelector(".fg-nojs");
    if (note) note.parentNode.removeChild(note);
    draw(holders[i]);
  }
})();
