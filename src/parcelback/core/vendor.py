"""Front-end files from the npm registry (package.json, installed by `make install` into node_modules/), served as
our own static files under vendor/: only the files named here, never copied into the repository."""
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

# Path under STATIC_URL (vendor/ and the file's own name) → the file inside node_modules.
VENDOR_FILES = {"vendor/echarts.common.min.js": "echarts/dist/echarts.common.min.js"}


class NodeModulesFinder(BaseFinder):
    """A staticfiles finder for VENDOR_FILES, so collectstatic and the dev server see them like our own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.root = Path(settings.PARCELBACK_NODE_MODULES)

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        source = VENDOR_FILES.get(path)
        found = str(self.root / source) if source and (self.root / source).is_file() else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for path, source in VENDOR_FILES.items():
            if (self.root / source).is_file():
                storage = FileSystemStorage(location=str(self.root / Path(source).parent))
                storage.prefix = str(Path(path).parent)
                yield Path(source).name, storage
