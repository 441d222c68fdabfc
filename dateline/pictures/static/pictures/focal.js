// Focal point picker for the picture form. Progressive enhancement: the two number fields
// work on their own; with this script, a click on the picture sets them, and the crop
// previews follow at once (the saved renditions are cut by the server around the same point).
(function () {
  "use strict"
  function start() {
    var picker = document.querySelector(".focal-picker")
    var fx = document.getElementById("id_focal_x")
    var fy = document.getElementById("id_focal_y")
    if (!picker || !fx || !fy) return
    var image = picker.querySelector("img")
    var marker = picker.querySelector(".focal-marker")
    function show() {
      var x = parseFloat(fx.value), y = parseFloat(fy.value)
      if (isNaN(x) || isNaN(y)) return
      marker.style.left = x * 100 + "%"
      marker.style.top = y * 100 + "%"
      document.querySelectorAll(".focal-crops img").forEach(function (crop) {
        crop.style.objectPosition = x * 100 + "% " + y * 100 + "%"
      })
    }
    image.addEventListener("click", function (event) {
      var box = image.getBoundingClientRect()
      var x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width))
      var y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height))
      fx.value = x.toFixed(3)
      fy.value = y.toFixed(3)
      show()
    })
    fx.addEventListener("input", show)
    fy.addEventListener("input", show)
    picker.classList.add("is-active")
    show()
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start)
  else start()
})()
