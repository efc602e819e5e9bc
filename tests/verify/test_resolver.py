"""The GS1-Conformant resolver: link types, the RFC 9264 linkset, Link
headers, OPTIONS and CORS, /.well-known/gs1resolver, 400/404/410, compressed
links, and GS1's own toolkit (npm digital-link.js) run against a live server."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from ocop.certification.models import new_token
from ocop.products.enums import OcopStatus
from ocop.stamps.domain import digital_link, resolver
from ocop.stamps.domain.digital_link import DigitalLinkError, decompress, parse_path
from ocop.stamps.domain.hotpath import stamp_row
from ocop.stamps.domain.links import stamp_url
from ocop.stamps.domain.verify import verify
from ocop.stamps.enums import StampState
from ocop.stamps.models import Scan, Stamp
from tests.factories.traceability import ProductionBatchFactory

from .conftest import make_batch, make_certificate, make_stamp

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
GTIN = "08930000000019"
LINKSET = "application/linkset+json"
VOC = "https://gs1.org/voc/"


@pytest.fixture
def gtin_product(product_x):
    product_x.gtin = "8930000000019"
    product_x.save()
    return product_x


@pytest.fixture
def lot_stamp(gtin_product, producer_x, certificate):
    lot = ProductionBatchFactory(product=gtin_product, lot_code="LO-2026-01")
    return make_stamp(make_batch(gtin_product, by=producer_x, production_batch=lot))


def path_of(stamp) -> str:
    return f"/01/{GTIN}/10/LO-2026-01/21/{stamp.token}"


def assert_rfc9264(body: dict, anchor: str) -> None:
    """RFC 9264 §4.2: {"linkset": [context objects]}, each with an anchor and
    relation types whose values are arrays of target objects with an href."""
    assert list(body) == ["linkset"]
    assert isinstance(body["linkset"], list)
    assert body["linkset"]
    for context in body["linkset"]:
        assert context["anchor"] == anchor
        for relation, targets in context.items():
            if relation == "anchor":
                continue
            assert relation.startswith(VOC), relation
            assert isinstance(targets, list)
            assert targets
            for target in targets:
                assert target["href"].startswith("http")
                assert set(target) <= {"href", "type", "title", "hreflang"}
                assert isinstance(target.get("hreflang", []), list)


def test_printed_stamp_uris_carry_the_lot(lot_stamp, settings):
    url = stamp_url(token=lot_stamp.token, gtin="8930000000019", lot="LO-2026-01")
    assert url == f"{settings.SITE_URL.rstrip('/')}{path_of(lot_stamp)}"


def test_the_linkset_has_rfc9264s_shape_and_counts_no_scan(client, lot_stamp, settings):
    anchor = settings.SITE_URL.rstrip("/") + path_of(lot_stamp)
    for response in (
        client.get(path_of(lot_stamp), {"linkType": "linkset"}),
        client.get(path_of(lot_stamp), HTTP_ACCEPT=LINKSET),
    ):
        assert response.status_code == 200
        assert response["Content-Type"].startswith(LINKSET)
        assert response["Access-Control-Allow-Origin"] == "*"
        body = response.json()
        assert_rfc9264(body, anchor)
        context = body["linkset"][0]
        assert {f"{VOC}{rel}" for rel in ("defaultLink", "pip", "certificationInfo")} <= set(
            context
        )
        assert context[f"{VOC}traceability"][0]["href"].startswith(anchor + "#trace-batch-")
    assert Scan.objects.count() == 0
    assert Stamp.objects.get(pk=lot_stamp.pk).scan_count == 0


def test_link_types_redirect_307_to_our_pages(
    client, lot_stamp, certificate, gtin_product, settings
):
    site = settings.SITE_URL.rstrip("/")
    path = path_of(lot_stamp)
    # Not (yet) in the catalogue: the product information is the verification page.
    pip = client.get(path, {"linkType": "gs1:pip"})
    assert (pip.status_code, pip["Location"]) == (307, site + path)
    gtin_product.status = OcopStatus.CERTIFIED
    gtin_product.save()
    pip = client.get(path, {"linkType": "gs1:pip"})
    assert (pip.status_code, pip["Location"]) == (307, f"{site}/san-pham/{gtin_product.pk}/")
    info = client.get(path, {"linkType": "gs1:certificationInfo"})
    assert (info.status_code, info["Location"]) == (307, f"{site}/c/{certificate.token}")
    unknown = client.get(path, {"linkType": "gs1:recipeInfo"})  # not offered: the default
    assert (unknown.status_code, unknown["Location"]) == (307, site + path)
    assert Scan.objects.count() == 0


def test_people_get_the_page_with_link_headers_and_cors(client, lot_stamp):
    response = client.get(path_of(lot_stamp))
    assert response.status_code == 200
    assert 'rel="linkset"' in response["Link"]
    assert f'rel="{VOC}pip"' in response["Link"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert Stamp.objects.get(pk=lot_stamp.pk).scan_count == 1  # the one consumer scan


def test_head_and_options_count_no_scan(client, lot_stamp):
    assert client.head(path_of(lot_stamp)).status_code == 200
    options = client.options(path_of(lot_stamp))
    assert options.status_code == 204
    assert options["Allow"] == "GET, HEAD, OPTIONS"
    assert options["Access-Control-Allow-Origin"] == "*"
    assert Scan.objects.count() == 0


def test_well_known_gs1resolver(client, settings):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200
    body = response.json()
    assert body["resolverRoot"] == settings.SITE_URL.rstrip("/")
    assert body["supportedPrimaryKeys"] == ["01"]
    assert "gs1:pip" in body["supportedLinkType"]


@pytest.mark.parametrize(
    "path",
    [
        f"/01/08930000000018/21/{'A' * 20}",  # wrong check digit
        f"/01/{GTIN}/21/{'A' * 20}/10/LOT",  # qualifiers out of order
        f"/01/{GTIN}/99/x",  # not a key qualifier of AI 01
        "/01/89300/21/x",  # a GTIN of 5 digits
        "/s/tooshort",
    ],
)
def test_syntax_errors_are_400_with_the_counterfeit_warning(client, path, english):
    response = client.get(path)
    assert response.status_code == 400
    assert "the product may be counterfeit" in response.content.decode()
    machine = client.get(path, HTTP_ACCEPT=LINKSET)
    assert machine.status_code == 400


def test_unknown_404_voided_410_wrong_lot_not_genuine(client, lot_stamp, english):
    assert client.get(f"/01/{GTIN}/21/{'Q' * 20}").status_code == 404
    wrong = client.get(f"/01/{GTIN}/10/LO-2026-99/21/{lot_stamp.token}")
    assert wrong.status_code == 404
    assert "Genuine" not in wrong.content.decode()
    assert (
        client.get(f"/01/{GTIN}/10/LO-2026-99/21/{lot_stamp.token}?linkType=linkset").status_code
        == 404
    )
    Stamp.objects.filter(pk=lot_stamp.pk).update(state=StampState.VOIDED)
    assert client.get(path_of(lot_stamp)).status_code == 410
    assert client.get(path_of(lot_stamp), {"linkType": "linkset"}).status_code == 410


def test_a_products_gtin_resolves_to_its_page(client, gtin_product, certificate):
    gtin_product.status = OcopStatus.CERTIFIED
    gtin_product.save()
    response = client.get(f"/01/{GTIN}")
    assert response.status_code == 307
    assert response["Location"].endswith(f"/san-pham/{gtin_product.pk}/")
    body = client.get(f"/01/{GTIN}", {"linkType": "linkset"}).json()
    assert f"{VOC}certificationInfo" in body["linkset"][0]
    assert client.get("/01/08930000000026").status_code == 404


def test_compressed_links_are_decompressed(client, lot_stamp):
    # Compressed by GS1's toolkit (GS1DigitalLinkToolkit.js) from the printed URI.
    assert decompress("CxA-WvSoJtRZ322m3X2mpC6ANhOiPjQkRlSmTnUoVpWg")[0] == {
        "01": GTIN,
        "10": "LO-2026-01",
        "21": "AbCdEfGhIjKlMnOpQrSt",
    }
    response = client.get("/DBA-WvSoJugDYToj40JEZUpk51KFaVo")
    assert (response.status_code, response["Location"]) == (
        307,
        f"/01/{GTIN}/21/AbCdEfGhIjKlMnOpQrSt",
    )
    assert client.get("/not-a-compressed-link").status_code == 404
    with pytest.raises(DigitalLinkError):
        decompress("AAAA!!")


def test_query_attributes_are_checked(client, lot_stamp):
    assert parse_path(path_of(lot_stamp), "17=261231").attributes == {"17": "261231"}
    assert (
        client.get(path_of(lot_stamp), {"17": "26-12-31"}, HTTP_ACCEPT=LINKSET).status_code == 400
    )


@pytest.mark.skipif(shutil.which("node") is None, reason="node is part of the build (make assets)")
def test_gs1_toolkit_conformance_against_the_running_server(
    live_server, reference_data, settings, product_x, producer_x
):
    """GS1's Digital Link toolkit for JavaScript (npm digital-link.js) builds,
    validates and compresses the URIs; tests/verify/gs1_conformance.js asks the
    live server for every answer a GS1-Conformant resolver owes."""
    assert (ROOT / "node_modules" / "digital-link.js").is_dir(), "npm ci (make assets) first"
    settings.SITE_URL = live_server.url
    product_x.gtin = "8930000000019"
    product_x.save()
    make_certificate(product_x)
    lot = ProductionBatchFactory(product=product_x, lot_code="LO-2026-01")
    with_lot = make_stamp(make_batch(product_x, by=producer_x, production_batch=lot))
    plain = make_stamp(make_batch(product_x, by=producer_x))
    voided = make_stamp(make_batch(product_x, by=producer_x), state=StampState.VOIDED)
    base = live_server.url
    data = {
        "base": base,
        "stamps": [
            stamp_url(token=with_lot.token, gtin=product_x.gtin, lot=lot.lot_code),
            stamp_url(token=plain.token, gtin=product_x.gtin),
        ],
        "unknown": f"{base}/01/{GTIN}/21/{'Q' * 20}",
        "voided": stamp_url(token=voided.token, gtin=product_x.gtin),
        "wrongLot": f"{base}/01/{GTIN}/10/LO-2026-99/21/{with_lot.token}",
        "invalid": f"{base}/01/08930000000018/21/{plain.token}",
        "product": f"{base}/01/{GTIN}",
    }
    script = str(ROOT / "tests" / "verify" / "gs1_conformance.js")
    command = [shutil.which("node"), script, json.dumps(data)]
    run = subprocess.run(  # noqa: S603 -- our own script, arguments built here
        command, capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert " 0 failed" in run.stdout
    assert Scan.objects.filter(stamp=plain).count() == Stamp.objects.get(pk=plain.pk).scan_count


# The printed form's one-pattern parse and the general parser ----------------


def with_check_digit(body: str) -> str:
    """A GTIN-14: ``body`` (13 digits) and its GS1 mod-10 check digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


GTINS = [with_check_digit(body) for body in ("0893000000001", "0950600013435", "1234567890123")]
SERIALS = ["AbCdEfGhIjKlMnOpQrSt", "12345", "x", "A-b.C_d!e'f(g)h*i+j,"]
LOTS = ["LO-2026-01", "7", "Z" * 20, 'a+b,c"d&e']


def parsed(parse, path):
    """What ``parse`` makes of ``path``: the link, or its error's message."""
    try:
        return parse(path)
    except DigitalLinkError as error:
        return ("error", str(error))


@pytest.mark.parametrize("gtin", GTINS)
def test_printed_paths_parse_as_the_general_parser_does(gtin):
    paths = [f"/01/{gtin}/21/{serial}" for serial in SERIALS]
    paths += [f"/01/{gtin}/10/{lot}/21/{serial}" for lot in LOTS for serial in SERIALS]
    for path in paths:
        assert digital_link.PRINTED.fullmatch(path), path  # the one-pattern way
        link = parse_path(path)
        assert link == digital_link._parse_path(path), path
        assert (link.gtin, link.serial) == (gtin, path.rsplit("/", 1)[1])


@pytest.mark.parametrize(
    ("path", "printed"),
    [
        (f"/01/{GTINS[0][:-1]}{(int(GTINS[0][-1]) + 1) % 10}/21/abc", True),  # check digit
        (f"/01/{GTINS[1]}/10/LO 1/21/abc", True),  # a space in the lot
        (f"/01/{GTINS[1]}/10/LÔ-1/21/abc", True),  # not GS1's character set
        (f"/01/{GTINS[1]}/10/{'L' * 21}/21/abc", True),  # a lot too long
        (f"/01/{GTINS[2]}/21/abc~", True),  # not in AI 21's set
        (f"/01/{GTINS[2]}/21/a<b", True),
        (f"/01/{GTINS[2]}/21/{'a' * 21}", True),  # a serial too long
        (f"/01/{GTINS[2]}/10/LÔ/21/abc~", True),  # both wrong: the lot is reported
        (f"/01/{GTINS[0][:-1]}0/10/LÔ/21/~", True),  # all wrong: the GTIN is reported
        (f"/01/{GTINS[2]}/21/abc\n", True),
        (f"/01/{GTINS[0][1:]}/21/abc", False),  # a 13-digit GTIN
        (f"/01/{GTINS[0][2:]}/21/abc", False),  # 12 digits
        (f"/01/{GTINS[0][3:]}/21/abc", False),  # 11 digits
        (f"/01/{GTINS[0]}/21/abc/", False),  # a trailing slash
        (f"/01/{GTINS[0]}/10/L%2F1/21/abc", False),  # a percent-escaped lot
        (f"/01/{GTINS[0]}/10/L%ZZ/21/abc", False),
        (f"/01/{GTINS[0]}/10//21/abc", False),  # an empty lot
        (f"/01/{GTINS[0]}/21/", False),
        (f"/01/{GTINS[0]}/21/abc/10/LOT", False),  # out of order
        (f"/01/{GTINS[0]}/22/V1/10/LOT/21/abc", False),  # with a variant
        (f"//01/{GTINS[0]}/21/abc", False),
    ],
)
def test_other_paths_fail_or_parse_as_the_general_parser_does(path, printed):
    assert bool(digital_link.PRINTED.fullmatch(path)) is printed
    assert parsed(parse_path, path) == parsed(digital_link._parse_path, path)


# The Link header kept per batch and read-model version -----------------------


def link_headers(path: str) -> tuple[str, str]:
    """(kept, built): the stamp's Link header as the resolver keeps it, and
    as built from its links."""
    result = verify(path, today=timezone.localdate())
    assert result.stamp is not None
    anchor = resolver.absolute(path)
    built = resolver.link_header(anchor, resolver.stamp_links(result, anchor=anchor))
    return resolver.stamp_link_header(result, anchor=anchor), built


@pytest.fixture
def plain_stamp(gtin_product, producer_x, certificate):
    return make_stamp(make_batch(gtin_product, by=producer_x))


@pytest.fixture
def uncertified_stamp(product_y, producer_x):
    return make_stamp(make_batch(product_y, by=producer_x))


@pytest.mark.parametrize(
    ("kind", "traceability", "certified"),
    [("lot_stamp", True, True), ("plain_stamp", False, True), ("uncertified_stamp", False, False)],
)
def test_the_kept_link_header_is_the_built_one(request, kind, traceability, certified):
    stamp = request.getfixturevalue(kind)
    sibling = make_stamp(stamp.batch)  # the same batch: the same kept template
    gtin = stamp.batch.product.gtin
    for one in (stamp, sibling, stamp):
        paths = [f"/s/{one.token}"]
        if gtin and one.batch.production_batch:
            paths.append(path_of(one))
        elif gtin:
            paths.append(f"/01/{GTIN}/21/{one.token}")
        for path in paths:
            kept, built = link_headers(path)
            assert kept == built
            assert kept.startswith(f"<{resolver.absolute(path)}?linkType=linkset>")
            assert (f"{VOC}traceability" in kept) is traceability
            assert (f"{VOC}certificationInfo" in kept) is certified


def test_the_kept_link_header_follows_a_change(lot_stamp, gtin_product, certificate, settings):
    path = path_of(lot_stamp)
    before, _built = link_headers(path)
    version = stamp_row(lot_stamp.token).version
    gtin_product.status = OcopStatus.CERTIFIED  # now in the catalogue: pip changes
    gtin_product.save()
    assert stamp_row(lot_stamp.token).version > version
    after, built = link_headers(path)
    assert after == built != before
    assert f'/san-pham/{gtin_product.pk}/>; rel="{VOC}pip"' in after
    version = stamp_row(lot_stamp.token).version
    certificate.token = new_token()  # the certificate saved
    certificate.save()
    assert stamp_row(lot_stamp.token).version > version
    kept, built = link_headers(path)
    assert kept == built != after
    assert f'/c/{certificate.token}>; rel="{VOC}certificationInfo"' in kept
    settings.SITE_URL = "https://ocop.example.vn"  # the same version, another site
    kept, built = link_headers(path)
    assert kept == built
    assert kept.startswith(f"<https://ocop.example.vn{path}?linkType=linkset>")
    assert kept.count("https://ocop.example.vn") == kept.count("<")
