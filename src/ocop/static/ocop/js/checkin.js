// Check-in desk: camera scanning where the browser has BarcodeDetector
// (Chrome on Android, Edge…). Without it, the page works as it is: a handheld
// scanner types into the focused input, or people are ticked on the list.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var block = document.getElementById("camera-block");
    var input = document.getElementById(block ? block.getAttribute("data-input") : "");
    var form = document.getElementById(block ? block.getAttribute("data-form") : "");
    if (input) { input.focus(); input.select(); }
    if (!block || !input || !form) { return; }
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    var start = document.getElementById("camera-start");
    var video = document.getElementById("camera-video");
    var help = document.getElementById("camera-help");
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (error) {
      return;
    }
    start.classList.remove("d-none");

    function stop(stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }

    var KEY = "ocop-checkin-camera";

    function begin() {
      start.disabled = true;
      try { window.sessionStorage.setItem(KEY, "1"); } catch (error) { /* private mode */ }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (stream) {
          video.srcObject = stream;
          video.classList.remove("d-none");
          help.classList.remove("d-none");
          return video.play().then(function () {
            var done = false;
            function look() {
              if (done) { return; }
              detector.detect(video).then(function (codes) {
                if (codes.length && codes[0].rawValue) {
                  done = true;
                  stop(stream);
                  input.value = codes[0].rawValue;
                  form.submit();
                } else {
                  window.setTimeout(look, 250);
                }
              }).catch(function () { window.setTimeout(look, 500); });
            }
            look();
          });
        })
        .catch(function () {
          start.disabled = false;
          try { window.sessionStorage.removeItem(KEY); } catch (error) { /* private mode */ }
          help.classList.remove("d-none");
          help.textContent = start.getAttribute("data-denied") || help.textContent;
        });
    }

    start.addEventListener("click", begin);
    // The camera was on before this check-in: keep scanning the next person.
    var wasOn = false;
    try { wasOn = window.sessionStorage.getItem(KEY) === "1"; } catch (error) { /* private mode */ }
    if (wasOn) { begin(); }
  });
})();
