"""The library's own identity: the installed distribution that contains the running
``credit_closure`` package, found by its files, never by its name.

Any distribution can call itself ``credit-closure`` (``Credit_Closure``, ``credit.closure``
normalise to it); only the one whose RECORD holds the running ``credit_closure/__init__.py``
(or an editable install of the folder that holds it) is the library. The registry treats
every other distribution as a third-party plugin under every operator control.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from typing import Any

__all__ = ["holds_running_library", "running_library"]


@lru_cache(maxsize=1)
def running_library() -> str:
    """The real path of the running ``credit_closure/__init__.py``."""
    import credit_closure

    return os.path.realpath(str(credit_closure.__file__))


def _editable_root(dist: Any) -> str | None:
    """The project folder of an editable install (PEP 610 ``direct_url.json``), else None."""
    try:
        raw = dist.read_text("direct_url.json")
        info = json.loads(raw) if raw else None
        if not isinstance(info, dict) or not (info.get("dir_info") or {}).get("editable"):
            return None
        url = str(info.get("url", ""))
        if not url.startswith("file://"):
            return None
        from urllib.parse import unquote, urlparse

        path = unquote(urlparse(url).path)
        if os.name == "nt" and re.match(r"^/[A-Za-z]:", path):  # file:///C:/project
            path = path[1:]
        return path
    except Exception:  # unreadable metadata: not an editable install we can place
        return None


def holds_running_library(dist: Any) -> bool:
    """Whether ``dist`` is the distribution the running ``credit_closure`` came from.

    Its RECORD lists ``credit_closure/__init__.py`` at the path the running module was loaded
    from, or it is an editable install of the project folder that holds it (``src/`` layout
    too). Its name plays no part: any distribution can call itself ``credit-closure``.
    """
    if dist is None:
        return False
    here = running_library()
    try:
        files = dist.files or ()
        for f in files:
            if str(f).replace("\\", "/") == "credit_closure/__init__.py":
                if os.path.realpath(str(dist.locate_file(f))) == here:
                    return True
    except Exception:  # unreadable RECORD: not proven to be ours
        pass
    root = _editable_root(dist)
    if root is None:
        return False
    return any(
        os.path.realpath(os.path.join(root, *sub, "credit_closure", "__init__.py")) == here
        for sub in ((), ("src",))
    )
