// The API documentation page (api/docs.html): Swagger UI on our OpenAPI document.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    layout: "BaseLayout",
    tryItOutEnabled: false,
  });
})();
