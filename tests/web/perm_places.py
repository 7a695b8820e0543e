from .permtable import Row, everyone

ROWS = [
    Row("places:index", everyone()),
    Row("places:oblast", everyone(), args=lambda ctx: [ctx["places"]["oblast"].code]),
    Row("places:rayon", everyone(), args=lambda ctx: [ctx["places"]["rayons"][0].code]),
    Row("places:rayon_geojson", everyone(), args=lambda ctx: [ctx["places"]["rayons"][0].code]),
    Row("places:municipality", everyone(), args=lambda ctx: [ctx["places"]["a"].code]),
    Row("places:municipality_geojson", everyone(),
        args=lambda ctx: [ctx["places"]["a"].code]),
]
