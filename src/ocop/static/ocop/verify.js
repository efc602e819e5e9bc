// Public verification page: share an approximate location only when the
// person presses the button (consent). Rounded to 0.01° (about 1 km) before
// it leaves the phone; the server rounds again. No inline script (CSP).
(function () {
  "use strict";
  var box = document.querySelector("[data-ocop-locate]");
  if (!box || !("geolocation" in navigator) || !window.fetch) {
    return;
  }
  var button = box.querySelector("button");
  var status = box.querySelector("[data-ocop-locate-status]");
  box.hidden = false;

  function say(key) {
    status.textContent = box.getAttribute("data-" + key) || "";
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("waiting");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var body = new URLSearchParams();
        body.set("latitude", position.coords.latitude.toFixed(2));
        body.set("longitude", position.coords.longitude.toFixed(2));
        var url = box.getAttribute("data-url");
        // The page carries no CSRF token (a scan never pays for one): ask for it now.
        fetch(url, { credentials: "same-origin" }).then(function (response) {
          return response.json();
        }).then(function (answer) {
          return fetch(url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "X-CSRFToken": answer.csrf },
            body: body
          });
        }).then(function (response) {
          say(response.ok ? "thanks" : "failed");
        }).catch(function () {
          say("failed");
          button.disabled = false;
        });
      },
      function () {
        say("denied");
        button.disabled = false;
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
    );
  });
})();
