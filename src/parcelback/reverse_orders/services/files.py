"""Files people attach as proof — destruction evidence, and the photos and documents of an exception's thread (a
dispute's, a reply's): photos or PDFs, typed by their first bytes, never by what the client claims."""
EVIDENCE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 10


def _head(upload) -> bytes:
    head = upload.read(12)
    upload.seek(0)
    return head


def _sniff(head: bytes) -> str | None:
    """The file's real type from its first bytes; the client's claimed content type is not trusted."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def sniffed(files, *, required: bool) -> tuple[list[str | None], str | None]:
    """Each upload's real type, and the problem with the set (a field error code) or None."""
    kinds = [_sniff(_head(upload)) for upload in files]
    if not files:
        return kinds, "required" if required else None
    if len(files) > EVIDENCE_MAX_FILES:
        return kinds, "too_many_files"
    if any(upload.size > EVIDENCE_MAX_BYTES for upload in files):
        return kinds, "file_too_large"
    if any(kind not in EVIDENCE_TYPES for kind in kinds):
        return kinds, "unsupported_file_type"
    return kinds, None
