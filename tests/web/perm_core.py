from .permtable import Row, everyone, only

ROWS = [
    Row("core:home", everyone()),
    Row("core:audit", only({"admin"})),
    Row("core:audit_export", only({"admin"})),
    Row("health", everyone()),
]
