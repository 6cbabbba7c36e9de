"""One PDF from many, written to disk document by document.

pypdf's ``PdfWriter.append`` keeps every page, font and image of every document in memory until
``write`` (about 30 KB a page for small invoices, the whole file for a scanned one). Here each source
document is read, its pages and everything they reference are written out under new object numbers,
and the document is dropped before the next one is opened: memory holds one document and a list of
offsets. The page tree, the bookmarks and the cross-reference table come last, when every page's
number is known.

Objects 1–3 are reserved for the catalogue, the page tree and the bookmarks, written at the end.
"""

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

CATALOG, PAGES, OUTLINES = 1, 2, 3
# A page takes these from its ancestors in the page tree when it does not set them itself.
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
# What a copied object must never drag along: the source's own catalogue and page tree.
FOREIGN_TYPES = ("/Catalog", "/Pages")


class _Output:
    """The file being written, with the offset of every object written so far."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.offsets: dict[int, int] = {}
        self.next_number = OUTLINES + 1
        self.handle.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def allocate(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    def write(self, number: int, obj: PdfObject) -> None:
        self.offsets[number] = self.handle.tell()
        self.handle.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.handle)
        self.handle.write(b"\nendobj\n")

    def finish(self) -> None:
        xref_at = self.handle.tell()
        size = self.next_number
        self.handle.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
        for number in range(1, size):
            offset = self.offsets.get(number)
            line = f"{offset:010d} 00000 n \n" if offset is not None else "0000000000 65535 f \n"
            self.handle.write(line.encode())
        self.handle.write(
            f"trailer\n<< /Size {size} /Root {CATALOG} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
        )


# Marks references already pointing into the output: a direct object the source shares between
# pages (inherited resources) is reached, and remapped, more than once.
_OUTPUT = object()


def _reference(number: int) -> IndirectObject:
    return IndirectObject(number, 0, _OUTPUT)


def _inherited(page: DictionaryObject, key: str):
    node = page
    seen = 0
    while node is not None and seen < 64:  # a malformed tree may loop
        if key in node:
            return node.raw_get(key)
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        seen += 1
    return None


class _DocumentCopy:
    """Copies one source document's pages into the output, renumbering every object they reach."""

    def __init__(self, reader: PdfReader, output: _Output):
        self.reader = reader
        self.output = output
        self.numbers: dict[tuple[int, int], int] = {}
        self.queue: list[tuple[IndirectObject, int]] = []

    def pages(self) -> list[int]:
        """Write every page (and what it uses); return the pages' new numbers in order."""
        page_numbers = []
        pages = list(self.reader.pages)
        for page in pages:
            # Numbered first, so a link from one page to another lands on the copy.
            page_numbers.append(self._number_of(page.indirect_reference, enqueue=False))
        for page, number in zip(pages, page_numbers, strict=True):
            for key in INHERITED:
                if key not in page:
                    value = _inherited(page, key)
                    if value is not None:
                        page[NameObject(key)] = value
            page[NameObject("/Parent")] = _reference(PAGES)
            self._remap_inside(page)
            self.output.write(number, page)
            self._drain()
        return page_numbers

    def _number_of(self, reference: IndirectObject, *, enqueue: bool = True) -> int:
        if reference.pdf is _OUTPUT:
            return reference.idnum
        key = (reference.idnum, reference.generation)
        number = self.numbers.get(key)
        if number is None:
            number = self.output.allocate()
            self.numbers[key] = number
            if enqueue:
                self.queue.append((reference, number))
        return number

    def _drain(self) -> None:
        while self.queue:
            reference, number = self.queue.pop()
            obj = reference.get_object()
            if obj is None or (isinstance(obj, DictionaryObject) and obj.get("/Type") in FOREIGN_TYPES):
                obj = NullObject()
            self._remap_inside(obj)
            self.output.write(number, obj)

    def _remap_inside(self, obj: PdfObject) -> None:
        """Point every reference inside ``obj`` (not into its referenced objects) at the copy's numbers.

        The source document is read once and dropped, so its objects are changed in place."""
        if isinstance(obj, DictionaryObject):
            for key in list(obj.keys()):
                value = obj.raw_get(key)
                if isinstance(value, IndirectObject):
                    obj[key] = _reference(self._number_of(value))
                else:
                    self._remap_inside(value)
        elif isinstance(obj, ArrayObject):
            for position, value in enumerate(obj):
                if isinstance(value, IndirectObject):
                    obj[position] = _reference(self._number_of(value))
                else:
                    self._remap_inside(value)


def merged_pdf_stream(*, members: Iterable[tuple[Path, str]], handle: BinaryIO) -> int:
    """Write one PDF made of every member's pages, in order, with one bookmark per member (titled
    with its name without ``.pdf``) to ``handle``; returns the number of pages."""
    output = _Output(handle)
    kids: list[int] = []
    bookmarks: list[tuple[str, int]] = []
    for path, name in members:
        with Path(path).open("rb") as source:
            # Read from the file as needed rather than copied into memory first.
            reader = PdfReader(source)
            if reader.is_encrypted:
                reader.decrypt("")
            page_numbers = _DocumentCopy(reader, output).pages()
            # pypdf's objects point at their reader and back: free the parsed ones now rather than
            # whenever the garbage collector looks at the cycle.
            reader.resolved_objects.clear()
        if page_numbers:
            bookmarks.append((name.removesuffix(".pdf"), page_numbers[0]))
            kids.extend(page_numbers)

    output.write(
        PAGES,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(_reference(number) for number in kids),
                NameObject("/Count"): NumberObject(len(kids)),
            }
        ),
    )
    item_numbers = [output.allocate() for _ in bookmarks]
    for position, ((title, page), number) in enumerate(zip(bookmarks, item_numbers, strict=True)):
        item = DictionaryObject(
            {
                NameObject("/Title"): TextStringObject(title),
                NameObject("/Parent"): _reference(OUTLINES),
                NameObject("/Dest"): ArrayObject([_reference(page), NameObject("/Fit")]),
            }
        )
        if position > 0:
            item[NameObject("/Prev")] = _reference(item_numbers[position - 1])
        if position + 1 < len(item_numbers):
            item[NameObject("/Next")] = _reference(item_numbers[position + 1])
        output.write(number, item)
    outlines = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    if item_numbers:
        outlines[NameObject("/First")] = _reference(item_numbers[0])
        outlines[NameObject("/Last")] = _reference(item_numbers[-1])
        outlines[NameObject("/Count")] = NumberObject(len(item_numbers))
    output.write(OUTLINES, outlines)
    output.write(
        CATALOG,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): _reference(PAGES),
                NameObject("/Outlines"): _reference(OUTLINES),
                NameObject("/PageMode"): NameObject("/UseOutlines"),
            }
        ),
    )
    output.finish()
    return len(kids)
