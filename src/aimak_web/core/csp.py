"""The Content-Security-Policy of a self-contained document the platform serves as it was
written (the analysis report: one HTML file with its styles, scripts and map inline).

The site's own policy forbids inline code; such a document instead gets a policy of its own that
allows its inline code and nothing from anywhere, inside a sandbox: without
``allow-same-origin`` the document runs in an opaque origin, so its scripts cannot read the
site's cookies, call its pages or submit its forms.
"""

from __future__ import annotations

from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp

DOCUMENT_POLICY = {
    "default-src": [NONE],
    "script-src": [UNSAFE_INLINE],
    "style-src": [UNSAFE_INLINE],
    "img-src": ["data:", "blob:"],
    "font-src": ["data:"],
    "connect-src": [NONE],
    "form-action": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [NONE],
    "sandbox": ["allow-scripts", "allow-popups", "allow-downloads"],
}

#: decorate a view that answers such a document
sandboxed_document = csp(DOCUMENT_POLICY)
