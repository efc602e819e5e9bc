// GS1-Conformant resolver checks against a running server, with GS1's
// Digital Link toolkit for JavaScript (GS1DigitalLinkToolkit.js, as shipped
// in the npm package digital-link.js): every URI is built, validated and
// compressed by the toolkit, then asked of the server.
//
//   node tests/verify/gs1_conformance.js '{"base": ..., "stamps": [...], ...}'
//
// Prints one line per check and "N passed, M failed"; exits 1 on a failure.
"use strict";

const { DigitalLink, Utils } = require("digital-link.js");

const input = JSON.parse(process.argv[2]);
const base = input.base.replace(/\/$/, "");
const LINKSET = "application/linkset+json";
const VOC = "https://gs1.org/voc/";
let passed = 0;
let failed = 0;

function check(name, ok, detail) {
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}${detail ? ": " + detail : ""}`);
  }
}

async function ask(url, options = {}) {
  return fetch(url, { redirect: "manual", ...options });
}

function isLinkset(body, anchor) {
  // RFC 9264 §4.2: {"linkset": [context objects]}; a context object has an
  // "anchor" and relation types whose values are arrays of target objects,
  // each with an "href" and optional "type", "title" and "hreflang" (array).
  if (!body || typeof body !== "object" || !Array.isArray(body.linkset)) return "no linkset array";
  if (Object.keys(body).length !== 1) return "members beside linkset";
  for (const context of body.linkset) {
    if (typeof context.anchor !== "string") return "context without anchor";
    if (anchor && context.anchor !== anchor) return `anchor ${context.anchor} is not ${anchor}`;
    for (const [relation, targets] of Object.entries(context)) {
      if (relation === "anchor") continue;
      if (!relation.startsWith(VOC)) return `relation ${relation} is not a GS1 link type URI`;
      if (!Array.isArray(targets) || targets.length === 0) return `${relation}: not an array`;
      for (const target of targets) {
        if (typeof target.href !== "string") return `${relation}: target without href`;
        if (target.hreflang !== undefined && !Array.isArray(target.hreflang)) {
          return `${relation}: hreflang is not an array`;
        }
      }
    }
    if (!context[VOC + "defaultLink"]) return "no gs1:defaultLink";
  }
  return "";
}

async function checkStamp(uri) {
  const dl = DigitalLink(uri);
  check(`toolkit: ${uri} is a valid GS1 Digital Link`, dl.isValid());
  const path = uri.slice(base.length);

  const page = await ask(uri, { headers: { Accept: "text/html" } });
  check(`GET ${path}: 200 page`, page.status === 200, `status ${page.status}`);
  const link = page.headers.get("link") || "";
  check(`GET ${path}: Link header with the linkset`, link.includes('rel="linkset"'), link);
  check(`GET ${path}: CORS`, page.headers.get("access-control-allow-origin") === "*");

  for (const how of ["query", "accept"]) {
    const url = how === "query" ? `${uri}?linkType=linkset` : uri;
    const headers = how === "query" ? {} : { Accept: LINKSET };
    const response = await ask(url, { headers });
    const type = response.headers.get("content-type") || "";
    check(`linkset (${how}) ${path}: 200 ${LINKSET}`, response.status === 200 && type.startsWith(LINKSET), `${response.status} ${type}`);
    const problem = isLinkset(await response.json(), uri);
    check(`linkset (${how}) ${path}: RFC 9264 shape`, problem === "", problem);
  }

  for (const linkType of ["gs1:pip", "gs1:certificationInfo", "gs1:verificationService", "gs1:defaultLink"]) {
    const response = await ask(`${uri}?linkType=${linkType}`);
    const location = response.headers.get("location") || "";
    check(`linkType=${linkType} ${path}: 307 to a page of ours`, response.status === 307 && location.startsWith(base), `${response.status} ${location}`);
  }

  const head = await ask(uri, { method: "HEAD" });
  check(`HEAD ${path}: 200 with Link`, head.status === 200 && (head.headers.get("link") || "").includes("linkset"));
  const options = await ask(uri, { method: "OPTIONS" });
  check(`OPTIONS ${path}: 204 Allow and CORS`, options.status === 204 && (options.headers.get("allow") || "").includes("GET") && options.headers.get("access-control-allow-origin") === "*", `${options.status}`);

  const compressed = Utils.compressWebUri(uri);
  check(`toolkit: compressed ${compressed} decompresses to the URI`, Utils.decompressWebUri(compressed) === uri);
  const answer = await ask(compressed);
  const location = answer.headers.get("location") || "";
  check(`compressed ${compressed.slice(base.length)}: 307 to ${path}`, answer.status === 307 && (base + location === uri || location === uri), `${answer.status} ${location}`);
}

async function main() {
  for (const uri of input.stamps) await checkStamp(uri);

  const known = await ask(`${base}/.well-known/gs1resolver`);
  const description = await known.json();
  check("/.well-known/gs1resolver", known.status === 200 && description.resolverRoot === base && description.supportedPrimaryKeys.includes("01"), JSON.stringify(description));

  for (const [what, uri, status] of [
    ["unknown serial", input.unknown, 404],
    ["voided stamp", input.voided, 410],
    ["wrong lot", input.wrongLot, 404],
  ]) {
    check(`toolkit: ${what} ${uri} is syntactically valid`, DigitalLink(uri).isValid());
    const response = await ask(uri);
    check(`${what}: ${status}`, response.status === status, `${response.status}`);
  }
  check(`toolkit: ${input.invalid} is not valid`, !DigitalLink(input.invalid).isValid());
  const invalid = await ask(input.invalid);
  check("syntax error (check digit): 400", invalid.status === 400, `${invalid.status}`);

  const product = await ask(input.product);
  check("product GTIN: 307 to its page", product.status === 307, `${product.status}`);

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.log(`FAIL ${error.stack}`);
  process.exit(1);
});
