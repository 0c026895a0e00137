"""佐证材料的文件类型: what an evidence file may be, judged by its content.

Accepted: PDF, JPEG and PNG images, Office documents (Word/Excel/PowerPoint as OOXML
``.docx``/``.xlsx``/``.pptx``; legacy ``.doc``/``.xls``/``.ppt`` and WPS ``.wps``/``.et``),
and OFD (the national fixed-layout format). The name's extension must agree with what
the bytes are: an ``.exe`` renamed ``.pdf`` is refused, and so is a PDF named ``.docx``.
Office files that carry macros (``vbaProject.bin`` in OOXML, a VBA storage in the old
formats) are refused: a macro is a program, not evidence. A PDF must end as one does
(``%%EOF`` in its last KB), and a PDF or an image whose first KB holds a web page or a
script (``<html``, ``<script``…) is refused however it begins: a browser that sniffs it
would run it. Files larger than ``RECTIFICATION_EVIDENCE_MAX_MB`` (default 20) are refused.
Other attached files of the project (报告附件, 培养方案附件) are checked by the same
:class:`CheckedFile`, under their own name.
(Pillow is not a dependency, so an image is judged by its signature, not decoded.)

A stored file leaves only through ``evidence_download``: the item page's download, in
the user's scope, one audit row each (uploaded files are never served as media).
"""

from __future__ import annotations

import zipfile
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record

DEFAULT_MAX_MB = 20
ACCEPTED = "PDF、JPG/PNG 图片、Word/Excel/PowerPoint（docx、xlsx、pptx、doc、xls、ppt）、WPS（wps、et）或 OFD 文件"

PDF = b"%PDF-"
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary: .doc, .xls, .ppt, .wps, .et
ZIP = b"PK\x03\x04"

PDF_END = b"%%EOF"
# How far from the end a PDF's %%EOF may be (readers accept it within the last KB).
TAIL_BYTES = 1024
# A file a browser could take for a page: looked for, case-insensitively, in the first KB.
HEAD_BYTES = 1024
MARKUP_MARKERS = (b"<html", b"<script", b"<!doctype", b"<body", b"<iframe", b"<svg", b"<?xml-stylesheet")
# The kinds a browser draws itself, and so might sniff: only they are searched for markup
# (an Office package is compressed and may hold anything in its first KB).
SNIFFED_KINDS = ("pdf", "png", "jpeg")

# What each extension's bytes must be.
KIND_BY_EXTENSION = {
    "pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg",
    "docx": "docx", "xlsx": "xlsx", "pptx": "pptx",
    "doc": "ole", "xls": "ole", "ppt": "ole", "wps": "ole", "et": "ole",
    "ofd": "ofd",
}
# The part that makes an OOXML package a document of that kind.
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
# A zip may not unpack into more than this, nor hold more members: a zip bomb is not evidence.
ZIP_MAX_MEMBERS = 5000
ZIP_MAX_UNPACKED = 500 * 1024 * 1024
# The VBA project stream of the old binary formats (Word's Macros/VBA, Excel's
# _VBA_PROJECT_CUR/VBA), as its directory entry spells it (UTF-16LE).
OLE_MACRO_MARKERS = ("_VBA_PROJECT".encode("utf-16-le"),)


def max_bytes() -> int:
    return int(getattr(settings, "RECTIFICATION_EVIDENCE_MAX_MB", DEFAULT_MAX_MB)) * 1024 * 1024


def _stream(value: Any) -> IO[bytes]:
    """The readable file behind an upload, a ``File`` or a model ``FieldFile``."""
    inner = getattr(value, "file", None)
    return inner if inner is not None and hasattr(inner, "read") else value


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


@deconstructible
class CheckedFile:
    """A validator refusing a file that is not accepted (see the module); ``word`` names
    the file in its messages (佐证材料, 报告附件, 培养方案附件). The value is an uploaded
    file, a ``File`` or the ``FieldFile`` of an unsaved row; a file already stored was
    checked when it came in and is left alone."""

    def __init__(self, word: str = "佐证材料") -> None:
        self.word = word

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CheckedFile) and other.word == self.word

    def __call__(self, value: Any) -> None:
        if value is None or not getattr(value, "name", ""):
            return
        if getattr(value, "_committed", False):
            return
        word = self.word
        name = value.name.rsplit("/", 1)[-1]
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        kind = KIND_BY_EXTENSION.get(extension)
        if kind is None:
            raise _refuse(f"「{name}」的文件类型不能作为{word}，请上传{ACCEPTED}。", "file_type")
        size = getattr(value, "size", None)
        limit = max_bytes()
        if size is not None and size > limit:
            raise _refuse(f"「{name}」大小为 {size / 1024 / 1024:.1f} MB，超过{word} {limit // 1024 // 1024} MB 的上限，"
                          "请压缩或拆分后上传。", "file_size")
        if size == 0:
            raise _refuse(f"「{name}」是空文件。", "file_empty")
        stream = _stream(value)
        stream.seek(0)
        try:
            head = stream.read(8)
            problem = _content_problem(kind, head, stream)
        finally:
            stream.seek(0)
        if problem:
            raise _refuse(f"「{name}」{problem.format(word=word)}请上传{ACCEPTED}。", "file_content")


# The checklist's own; the migrations of its evidence name this instance.
check_evidence_file = CheckedFile("佐证材料")


def _content_problem(kind: str, head: bytes, stream: IO[bytes]) -> str:
    """Why the bytes are not what the extension says ("" when they are), with ``{word}``
    left for the validator's name of the file."""
    mismatch = "的内容与其扩展名不符（不是真正的{kind}文件），不能作为{{word}}。"
    if kind in SNIFFED_KINDS and _holds_markup(stream):
        return "含有网页或脚本代码（如 <html>、<script>），不能作为{word}。"
    if kind == "pdf":
        if not head.startswith(PDF):
            return mismatch.format(kind="PDF")
        return "" if PDF_END in _tail(stream) else "不完整（缺少 PDF 文件结尾标记），可能已损坏或并非真正的PDF文件，不能作为{word}。"
    if kind == "png":
        return "" if head.startswith(PNG) else mismatch.format(kind="PNG 图片")
    if kind == "jpeg":
        return "" if head.startswith(JPEG) else mismatch.format(kind="JPG 图片")
    if kind == "ole":
        if not head.startswith(OLE):
            return mismatch.format(kind="Office/WPS")
        stream.seek(0)
        body = stream.read()
        if any(marker in body for marker in OLE_MACRO_MARKERS):
            return "含有宏代码，不能作为{word}（请另存为不含宏的文档）。"
        return ""
    if not head.startswith(ZIP):
        return mismatch.format(kind="Office" if kind != "ofd" else "OFD")
    return _package_problem(kind, stream)


def _holds_markup(stream: IO[bytes]) -> bool:
    stream.seek(0)
    head = stream.read(HEAD_BYTES).lower()
    return any(marker in head for marker in MARKUP_MARKERS)


def _tail(stream: IO[bytes]) -> bytes:
    stream.seek(0, 2)
    stream.seek(max(0, stream.tell() - TAIL_BYTES))
    return stream.read()


def evidence_download(*, evidence: Any, user: Any) -> None:
    """Audit one download of a 佐证材料 file (the caller has checked that the user may
    view its item): who took which file of which item, as an export is audited."""
    name = evidence.file.name.rsplit("/", 1)[-1]
    record(evidence, action=AuditAction.EXPORT, actor=user,
           message=f"下载整改事项「{evidence.item}」的佐证材料「{name}」",
           changes={"item": evidence.item_id, "file": name})


def _package_problem(kind: str, stream: IO[bytes]) -> str:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS or sum(m.file_size for m in members) > ZIP_MAX_UNPACKED:
                return "解压后过大，不能作为{word}。"
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, OSError, ValueError):
        return "已损坏，无法打开，不能作为{word}。"
    if kind == "ofd":
        return "" if "OFD.xml" in names else "的内容与其扩展名不符（不是真正的OFD文件），不能作为{word}。"
    if "[Content_Types].xml" not in names or OOXML_MAIN_PART[kind] not in names:
        return "的内容与其扩展名不符（不是真正的Office文件），不能作为{word}。"
    if any(n.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for n in names):
        return "含有宏代码，不能作为{word}（请另存为不含宏的文档）。"
    return ""
