"""Permission rows of the forecasts: public pages."""

from .permtable import Row, everyone

ROWS = [
    Row("forecasts:index", everyone()),
    Row("forecasts:rayon", everyone(), args=lambda ctx: ["Aksy"]),
    Row("forecasts:chart", everyone(), args=lambda ctx: ["Aksy"]),
]
