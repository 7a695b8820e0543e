"""Permission rows of the places directory: public pages."""

from .permtable import Row, everyone


def _code(key):
    return lambda ctx: [ctx["places"][key].code]


ROWS = [
    Row("places:index", everyone()),
    Row("places:oblast", everyone(), args=lambda ctx: [ctx["places"]["oblast"].code]),
    Row("places:rayon", everyone(), args=lambda ctx: [ctx["places"]["rayons"][0].code]),
    Row("places:rayon_geojson", everyone(), args=lambda ctx: [ctx["places"]["rayons"][0].code]),
    Row("places:municipality", everyone(), args=_code("a")),
    Row("places:municipality_geojson", everyone(), args=_code("a")),
    Row("places:municipality", everyone(404), args=lambda ctx: ["NO-SUCH-CODE"]),
]
